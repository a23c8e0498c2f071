import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { refKey, type ObjectRef } from '@ferry/shared';
import type { Numbered } from './outbox.ts';
import { HubReporter, UNKNOWN_SNAPSHOT_ID } from './reporter.ts';
import { digestOf } from './resource-state.ts';
import { entry, outcome, ref, syncReport } from './testing/outcomes.ts';

const api = ref('Deployment', 'api');
const cm = ref('ConfigMap', 'settings');

function drain(reporter: HubReporter): Numbered[] {
  const out: Numbered[] = [];
  let seq = 0;
  for (
    let next = reporter.outbox.next(4096, () => ++seq);
    next;
    next = reporter.outbox.next(4096, () => ++seq)
  )
    out.push(next);
  return out;
}

const applied = (refs: ObjectRef[]) =>
  outcome(syncReport({ changeSet: refs.map((r) => entry(r, 'created')) }));

describe('HubReporter', () => {
  it('queues a syncReport per sync with an id made from the epoch, whether or not the hub is there', async () => {
    const epoch = randomUUID();
    const reporter = new HubReporter({ epoch });
    reporter.syncDone(applied([api]), new Date());
    reporter.syncDone(applied([api]), new Date());
    await reporter.settled();
    reporter.outbox.startConnection();
    const ids = drain(reporter).map((n) =>
      n.message.type === 'syncReport' ? n.message.body.syncId : n.message.type,
    );
    assert.deepEqual(ids, [`${epoch}.1`, `${epoch}.2`]);
  });

  it('keeps a snapshot the hub asked for before the first sync until there is state to send', async () => {
    const reporter = new HubReporter({ epoch: randomUUID() });
    reporter.outbox.startConnection();
    assert.equal(reporter.helloDigest(), undefined);
    reporter.welcomed(1 << 20);
    reporter.snapshotRequested();
    assert.deepEqual(drain(reporter), []);
    reporter.syncDone(applied([api, cm]), new Date());
    await reporter.settled();
    const sent = drain(reporter);
    const snapshot = sent.find((n) => n.message.type === 'snapshot');
    assert.ok(snapshot?.message.type === 'snapshot');
    assert.equal(snapshot.message.body.resources.length, 2);
    assert.equal(snapshot.message.body.digest, digestOf(reporter.state ?? new Map()));
  });

  it('sends deltas on the snapshot it sent, and names an unknown snapshot when a new process never sent one', async () => {
    const reporter = new HubReporter({ epoch: randomUUID() });
    reporter.syncDone(applied([api]), new Date());
    await reporter.settled();
    // Connected after the first sync: the hub had this digest already, so asked for no snapshot.
    reporter.outbox.startConnection();
    assert.ok(reporter.helloDigest());
    reporter.welcomed(1 << 20);
    reporter.syncDone(applied([api, cm]), new Date());
    await reporter.settled();
    const delta = drain(reporter).find((n) => n.message.type === 'delta');
    assert.ok(delta?.message.type === 'delta');
    assert.equal(delta.message.body.snapshotId, UNKNOWN_SNAPSHOT_ID);
    assert.deepEqual(
      delta.message.body.upserts.map((u) => u.ref),
      [cm],
    );
    // The hub answers with snapshotRequest; deltas after that name the snapshot sent.
    reporter.snapshotRequested();
    const snapshot = drain(reporter).find((n) => n.message.type === 'snapshot');
    assert.ok(snapshot?.message.type === 'snapshot');
    reporter.syncDone(applied([cm]), new Date());
    await reporter.settled();
    const next = drain(reporter).find((n) => n.message.type === 'delta');
    assert.ok(next?.message.type === 'delta');
    assert.equal(next.message.body.snapshotId, snapshot.message.body.snapshotId);
    assert.deepEqual(next.message.body.removals, [api]);
    assert.equal(next.message.body.digest, digestOf(reporter.state ?? new Map()));
  });

  it('sends no delta while disconnected: the next hello carries the digest instead', async () => {
    const reporter = new HubReporter({ epoch: randomUUID() });
    reporter.outbox.startConnection();
    reporter.helloDigest();
    reporter.welcomed(1 << 20);
    reporter.snapshotRequested();
    reporter.syncDone(applied([api]), new Date());
    await reporter.settled();
    reporter.outbox.ack(Math.max(...drain(reporter).map((n) => n.seq)));
    reporter.disconnected();
    reporter.syncDone(applied([api, cm]), new Date());
    await reporter.settled();
    reporter.outbox.startConnection();
    assert.deepEqual(
      drain(reporter).map((n) => n.message.type),
      ['syncReport'],
    );
    assert.equal(reporter.helloDigest(), digestOf(reporter.state ?? new Map()));
  });

  it('turns a drift into a drift message and the object’s flag, as the hub keeps it', async () => {
    const reporter = new HubReporter({ epoch: randomUUID() });
    reporter.syncDone(applied([api]), new Date());
    const at = '2024-05-01T12:05:00.000Z';
    reporter.driftRecorded({
      object: 'Deployment.apps/web/api',
      fields: ['/spec/replicas changed'],
      managers: ['kubectl'],
      at,
      action: 'reported',
    });
    await reporter.settled();
    assert.equal(reporter.state?.get(refKey(api))?.drifted, true);
    reporter.driftRecorded({
      object: 'Deployment.apps/web/api',
      fields: [],
      managers: [],
      at,
      action: 'healed',
    });
    reporter.driftRecorded({
      object: 'Service/web/unknown',
      fields: [],
      managers: [],
      at,
      action: 'reported',
    });
    await reporter.settled();
    assert.equal(reporter.state.get(refKey(api))?.drifted, false);
    reporter.outbox.startConnection();
    assert.deepEqual(
      drain(reporter).map((n) => n.message.type),
      ['syncReport', 'drift', 'drift'],
    );
  });

  it('judges each object’s health when the rollup is not Current, off the sync’s path', async () => {
    const asked: ObjectRef[][] = [];
    const reporter = new HubReporter({
      epoch: randomUUID(),
      assess: (refs) => {
        asked.push([...refs]);
        return Promise.resolve(
          refs.map((r) => ({
            ref: r,
            status: r === api ? ('InProgress' as const) : ('Current' as const),
            message: '1 of 2 updated',
          })),
        );
      },
    });
    reporter.syncDone(applied([api, cm]), new Date());
    reporter.syncDone(
      outcome(syncReport({ changeSet: [entry(api, 'configured'), entry(cm, 'unchanged')] }), {
        status: 'InProgress',
        message: 'x',
      }),
      new Date(),
    );
    await reporter.settled();
    assert.equal(asked.length, 1);
    assert.equal(reporter.state?.get(refKey(api))?.health, 'InProgress');
    assert.equal(reporter.state.get(refKey(cm))?.health, 'Current');
  });

  it('relays Events at once', () => {
    const reporter = new HubReporter({ epoch: randomUUID(), now: () => new Date(0) });
    reporter.eventRecorded({ reason: 'SyncFailed', type: 'Warning', message: 'boom' });
    reporter.outbox.startConnection();
    const [event] = drain(reporter);
    assert.deepEqual(event?.message, {
      type: 'event',
      body: { reason: 'SyncFailed', type: 'Warning', message: 'boom', at: '1970-01-01T00:00:00.000Z' },
    });
  });
});
