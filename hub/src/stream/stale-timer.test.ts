import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStaleTimer, staleFrom } from './stale-timer.ts';
import { fakeClock } from './test-stream.ts';

const START = Date.UTC(2025, 0, 1);
const rule = { staleAfterMs: 60_000, startedAtMs: START };

describe('the stale timer', () => {
  it('says when a cluster turns stale: after staleAfterMs, never within the grace period', () => {
    assert.equal(staleFrom(START + 100_000, false, rule), START + 160_001);
    assert.equal(staleFrom(START - 3_600_000, false, rule), START + 60_000, 'the grace period ends first');
    assert.equal(staleFrom(undefined, false, rule), undefined, 'never heard: pending, never stale');
    assert.equal(staleFrom(START, true, rule), undefined, 'stale already');
  });

  it('fires when a tracked cluster crosses, with the clusters that crossed, and re-arms for the next', () => {
    const clock = fakeClock(START + 120_000);
    const due: string[][] = [];
    const timer = createStaleTimer({
      rule,
      now: clock.now,
      schedule: clock.schedule,
      onDue: (names) => due.push([...names]),
    });
    timer.track('a', START + 100_000, false);
    timer.track('b', START + 110_000, false);
    assert.equal(timer.dueAt, START + 160_001);
    clock.advance(START + 160_000);
    assert.deepEqual(due, []);
    clock.advance(START + 160_001);
    assert.deepEqual(due, [['a']]);
    assert.equal(timer.dueAt, START + 170_001);
    clock.advance(START + 200_000);
    assert.deepEqual(due, [['a'], ['b']]);
    assert.equal(timer.dueAt, undefined);
    timer.stop();
  });

  it('notices the end of the grace period for a cluster silent since before the start', () => {
    const clock = fakeClock(START);
    const due: string[][] = [];
    const timer = createStaleTimer({
      rule,
      now: clock.now,
      schedule: clock.schedule,
      onDue: (names) => due.push([...names]),
    });
    timer.track('old', START - 3_600_000, false);
    clock.advance(START + 59_999);
    assert.deepEqual(due, []);
    clock.advance(START + 60_000);
    assert.deepEqual(due, [['old']]);
    timer.stop();
  });

  it('a cluster heard again moves later; one forgotten or stale never fires', () => {
    const clock = fakeClock(START + 120_000);
    const due: string[][] = [];
    const timer = createStaleTimer({
      rule,
      now: clock.now,
      schedule: clock.schedule,
      onDue: (names) => due.push([...names]),
    });
    timer.track('a', START + 100_000, false);
    timer.track('b', START + 100_000, false);
    timer.track('a', START + 150_000, false);
    timer.forget('b');
    clock.advance(START + 160_001);
    assert.deepEqual(due, [], 'b is forgotten, a was heard again');
    timer.track('a', START + 150_000, true);
    clock.advance(START + 300_000);
    assert.deepEqual(due, []);
    assert.equal(clock.pending, 0);
    timer.stop();
  });
});
