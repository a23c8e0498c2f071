import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HEALTH_STATUSES,
  HEALTH_WORST_FIRST,
  isHealthStatus,
  isWorse,
  rollUpHealth,
  worstOf,
  type Health,
  type HealthStatus,
} from './health.ts';

const current: Health = { status: 'Current', message: '3 replicas updated and available' };
const progressing: Health = { status: 'InProgress', message: '2 of 3 replicas updated' };
const otherProgressing: Health = { status: 'InProgress', message: 'waiting for a volume to bind' };
const terminating: Health = { status: 'Terminating', message: 'being deleted' };
const unknown: Health = { status: 'Unknown', message: 'phase Unknown' };
const failed: Health = { status: 'Failed', message: 'Job has reached the specified backoff limit' };

describe('health vocabulary', () => {
  it('orders every status exactly once, worst first, Failed first and Current last', () => {
    assert.deepEqual([...HEALTH_WORST_FIRST].sort(), [...HEALTH_STATUSES].sort());
    assert.equal(HEALTH_WORST_FIRST[0], 'Failed');
    assert.equal(HEALTH_WORST_FIRST.at(-1), 'Current');
  });
  it('recognises the five statuses and nothing else', () => {
    for (const status of HEALTH_STATUSES) assert.ok(isHealthStatus(status));
    const others = ['Healthy', 'Degraded', 'current', '', 3, undefined];
    for (const other of others) assert.ok(!isHealthStatus(other));
  });
  it('calls no status worse than itself', () => {
    for (const status of HEALTH_STATUSES) assert.ok(!isWorse(status, status));
  });
});

describe('worstOf', () => {
  const pairs: [HealthStatus, HealthStatus][] = [
    ['Failed', 'Unknown'],
    ['Unknown', 'Terminating'],
    ['Terminating', 'InProgress'],
    ['InProgress', 'Current'],
  ];
  for (const [worse, better] of pairs) {
    it(`picks ${worse} over ${better}, whichever comes first`, () => {
      assert.equal(worstOf({ status: worse }, { status: better }).status, worse);
      assert.equal(worstOf({ status: better }, { status: worse }).status, worse);
    });
  }
  it('keeps the first of two equally bad entries', () => {
    assert.equal(worstOf(progressing, otherProgressing), progressing);
    assert.equal(worstOf(otherProgressing, progressing), otherProgressing);
  });
  it('returns the entry itself, so an entry naming its object keeps its name', () => {
    interface Entry {
      readonly ref: string;
      readonly status: HealthStatus;
    }
    const a: Entry = { ref: 'Deployment.apps/web/api', status: 'InProgress' };
    const b: Entry = { ref: 'Job.batch/web/migrate', status: 'Failed' };
    assert.equal(worstOf(a, b).ref, 'Job.batch/web/migrate');
  });
});

describe('rollUpHealth', () => {
  it('is Current with nothing to assess', () => {
    assert.deepEqual(rollUpHealth([]), { status: 'Current', message: 'no objects to assess' });
  });
  it('is Current, with the first message, when everything is Current', () => {
    assert.equal(rollUpHealth([current, { status: 'Current', message: 'bound' }]), current);
  });
  it('is Failed as soon as one object failed, whatever else is unknown or progressing', () => {
    assert.equal(rollUpHealth([current, unknown, progressing, failed, terminating]), failed);
  });
  it('is Unknown when nothing failed but one object cannot be judged', () => {
    assert.equal(rollUpHealth([progressing, terminating, unknown, current]), unknown);
  });
  it('is Terminating when an object is being deleted and the rest are progressing or current', () => {
    assert.equal(rollUpHealth([progressing, current, terminating]), terminating);
  });
  it('is InProgress with the first waiting message when some objects are still converging', () => {
    assert.equal(rollUpHealth([current, progressing, otherProgressing]), progressing);
  });
  it('accepts any iterable, such as a generator', () => {
    function* healths(): Generator<Health> {
      yield current;
      yield progressing;
    }
    assert.equal(rollUpHealth(healths()), progressing);
  });
});
