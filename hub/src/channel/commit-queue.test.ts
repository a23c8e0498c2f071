import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AgentRecord } from '../store/index.ts';
import { at, newCluster, T0, tempStore } from '../store/test-store.ts';
import { type QueueClient, type QueueFailure, type StoredOutcome } from './commit-queue.ts';
import { event, queueOn } from './test-queue.ts';

interface Recorded extends QueueClient {
  readonly outcomes: StoredOutcome[];
  readonly failures: QueueFailure[];
  /** Settles at the next outcome or failure. */
  next(): Promise<void>;
}

function client(cluster: string, epoch = 'e1'): Recorded {
  const outcomes: StoredOutcome[] = [];
  const failures: QueueFailure[] = [];
  let waiting: (() => void) | undefined;
  const wake = (): void => {
    waiting?.();
    waiting = undefined;
  };
  return {
    cluster,
    epoch,
    outcomes,
    failures,
    stored: (outcome) => {
      outcomes.push(outcome);
      wake();
    },
    failed: (failure) => {
      failures.push(failure);
      wake();
    },
    next: () =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          reject(new Error(`no commit for ${cluster} within 5 s`));
        }, 5000);
        waiting = () => {
          clearTimeout(deadline);
          resolve();
        };
      }),
  };
}

describe('the commit queue', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  for (const name of ['a', 'b', 'c', 'd']) store.createCluster(newCluster(name), T0);

  it('commits every cluster’s records together and then tells each client its epoch’s stored seq', () => {
    const queue = queueOn(store);
    const a = client('a');
    const b = client('b', 'e9');
    queue.push(a, event(1), 10);
    queue.push(b, event(1, 'e9'), 10);
    queue.push(a, event(2), 10);
    assert.deepEqual([queue.records, queue.bytes, queue.holds('a'), queue.holds('c')], [3, 30, true, false]);
    assert.deepEqual(a.outcomes, [], 'nothing is told before the commit');
    queue.flushAll();
    const outcome = { snapshotNeeded: false, snapshotAbandoned: false, snapshotCompleted: false };
    assert.deepEqual(a.outcomes, [{ seq: 2, ...outcome }]);
    assert.deepEqual(b.outcomes, [{ seq: 1, ...outcome }]);
    assert.equal(store.epochSeq('a', 'e1'), 2);
    assert.deepEqual([queue.records, queue.bytes], [0, 0]);
    queue.stop();
  });

  it('starts a commit flushIntervalMs after the first record', async () => {
    const queue = queueOn(store, { flushIntervalMs: 1 });
    const a = client('a');
    const committed = a.next();
    queue.push(a, event(3), 10);
    await committed;
    assert.equal(a.outcomes[0]?.seq, 3);
    queue.stop();
  });

  it('starts a commit at once when flushMaxRecords are queued, and takes no more than that', async () => {
    const queue = queueOn(store, { flushMaxRecords: 2 });
    const a = client('a');
    const committed = a.next();
    queue.push(a, event(4), 10);
    queue.push(a, event(5), 10);
    queue.push(a, event(6), 10);
    await committed;
    assert.deepEqual(
      a.outcomes.map((o) => o.seq),
      [5],
    );
    queue.flushAll();
    assert.deepEqual(
      a.outcomes.map((o) => o.seq),
      [5, 6],
    );
    queue.stop();
  });

  it('notes a cluster heard from with no record, and tells its client no seq', () => {
    const queue = queueOn(store);
    const c = client('c');
    queue.push(c, undefined, 40);
    queue.flushAll();
    assert.deepEqual(c.outcomes[0]?.seq, 0);
    assert.deepEqual(store.getCluster('c')?.lastHeardAt, at(1000));
    queue.stop();
  });

  it('asks for a full snapshot when a delta names one the store does not hold', () => {
    const queue = queueOn(store);
    const c = client('c');
    const delta: AgentRecord = {
      epoch: 'e1',
      seq: 1,
      type: 'resource-delta',
      delta: { snapshotId: 'unknown', upserts: [], deletes: [] },
    };
    queue.push(c, delta, 10);
    queue.flushAll();
    assert.equal(c.outcomes[0]?.snapshotNeeded, true);
    queue.stop();
  });

  it('stops reading above a high-water mark, and resumes once drained below half', () => {
    const pressure: boolean[] = [];
    const queue = queueOn(store, {
      highWaterRecords: 2,
      highWaterBytes: 100,
      onPressure: (high) => pressure.push(high),
    });
    const d = client('d');
    queue.push(d, event(1), 10);
    queue.push(d, event(2), 10);
    assert.deepEqual(pressure, []);
    queue.push(d, event(3), 10);
    assert.deepEqual(pressure, [true], 'over the records mark');
    queue.flushAll();
    assert.deepEqual(pressure, [true, false]);
    queue.push(d, undefined, 101);
    assert.deepEqual(pressure, [true, false, true], 'over the bytes mark');
    queue.flushAll();
    assert.deepEqual(pressure, [true, false, true, false]);
    queue.stop();
  });

  it('drops what a failed cluster still has queued, so no later commit moves its seq past the lost records', () => {
    const queue = queueOn(store, { flushMaxRecords: 1 });
    const b = client('b', 'broken');
    const c = client('c', 'fine');
    // A record the store's schema refuses (an event without a reason): its commit fails.
    const broken = {
      epoch: 'broken',
      seq: 1,
      type: 'event',
      event: { at: at(1), type: 'Normal', reason: null, message: 'x' },
    } as unknown as AgentRecord;
    queue.push(b, broken, 10);
    queue.push(c, event(1, 'fine'), 10);
    queue.push(b, event(2, 'broken'), 10);
    queue.flushAll();
    assert.deepEqual(b.failures, ['failed']);
    assert.equal(store.epochSeq('b', 'broken'), 0, 'seq 2 was not stored after seq 1 failed');
    assert.equal(c.outcomes[0]?.seq, 1, 'the other cluster is stored');
    assert.equal(queue.records, 0);
    queue.stop();
  });

  it('fails the clients of a cluster that no longer exists, and every client when the commit throws', () => {
    const queue = queueOn(store);
    const gone = client('gone');
    queue.push(gone, event(1), 10);
    queue.flushAll();
    assert.deepEqual(gone.failures, ['unknown-cluster']);
    const throwing = queueOn({
      applyBatches: () => {
        throw new Error('disk I/O error');
      },
      persist: () => Promise.resolve(),
      persistNow: () => undefined,
    });
    const a = client('a');
    const b = client('b');
    throwing.push(a, event(100), 10);
    throwing.push(b, event(100), 10);
    throwing.flushAll();
    assert.deepEqual([a.failures, b.failures], [['failed'], ['failed']]);
    queue.stop();
    throwing.stop();
  });
});
