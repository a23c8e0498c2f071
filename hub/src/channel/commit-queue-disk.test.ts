// The commit queue and the disk: acks only once a commit is synced (off the event loop), in commit
// order; what the live stream is told; how much one commit takes; when reading stops.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AgentRecord, Store } from '../store/index.ts';
import { newCluster, resource, T0, tempStore } from '../store/test-store.ts';
import {
  type CommitQueueOptions,
  type QueueClient,
  type QueueFailure,
  type StoredOutcome,
} from './commit-queue.ts';
import { RECORD_WEIGHT } from './flush-budget.ts';
import { event, queueOn } from './test-queue.ts';

interface Recorded extends QueueClient {
  readonly seqs: number[];
  readonly failures: QueueFailure[];
}

function client(cluster: string, epoch = 'e1'): Recorded {
  const seqs: number[] = [];
  const failures: QueueFailure[] = [];
  return {
    cluster,
    epoch,
    seqs,
    failures,
    stored: (outcome: StoredOutcome) => seqs.push(outcome.seq),
    failed: (failure) => failures.push(failure),
  };
}

/** The real store, but the disk syncs when the test says so. */
function heldDisk(store: Store) {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let syncedNow = 0;
  const disk: Pick<Store, 'applyBatches' | 'persist' | 'persistNow'> = {
    applyBatches: (batches, now, options) => store.applyBatches(batches, now, options),
    persist: () =>
      new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    persistNow: () => {
      syncedNow += 1;
    },
  };
  return {
    disk,
    get syncedNow() {
      return syncedNow;
    },
    /** Finishes the newest sync asked for: it vouches for every commit before it too. */
    syncNewest: async () => {
      pending.pop()?.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    },
    /** Takes the newest sync asked for out of line, to finish it later (reject it). */
    takeNewest: () => pending.pop(),
    /** Finishes the oldest sync asked for. */
    sync: async (error?: Error) => {
      const first = pending.shift();
      if (error === undefined) first?.resolve();
      else first?.reject(error);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('the commit queue and the disk', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  for (const name of ['a', 'b', 'c']) store.createCluster(newCluster(name), T0);

  it('acks a commit only once the disk has it, and the commits in their order', async () => {
    const held = heldDisk(store);
    const queue = queueOn(held.disk, { flushMaxRecords: 1 });
    const a = client('a');
    queue.push(a, event(1), 10);
    queue.push(a, event(2), 10);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.epochSeq('a', 'e1'), 2, 'both committed');
    assert.deepEqual(a.seqs, [], 'nothing acked before the disk');
    assert.equal(queue.holds('a'), true, 'committed, not yet on the disk');
    await held.sync();
    assert.deepEqual(a.seqs, [1]);
    await held.sync();
    assert.deepEqual(a.seqs, [1, 2]);
    assert.equal(queue.holds('a'), false);
    queue.stop();
  });

  it('fails the clients of a commit the disk refused: they reconnect and resend', async () => {
    const held = heldDisk(store);
    const queue = queueOn(held.disk, { flushMaxRecords: 1 });
    const b = client('b');
    queue.push(b, event(1), 10);
    await new Promise((resolve) => setImmediate(resolve));
    await held.sync(new Error('EIO'));
    assert.deepEqual(b.failures, ['failed']);
    assert.deepEqual(b.seqs, []);
    assert.equal(queue.holds('b'), false);
    queue.stop();
  });

  it('syncs at once in flushAll and tells every client waiting for the disk, oldest first', async () => {
    const held = heldDisk(store);
    const queue = queueOn(held.disk, { flushMaxRecords: 1 });
    const a = client('a', 'e2');
    queue.push(a, event(1, 'e2'), 10);
    queue.push(a, event(2, 'e2'), 10);
    await new Promise((resolve) => setImmediate(resolve));
    queue.push(a, event(3, 'e2'), 10);
    queue.flushAll();
    assert.equal(held.syncedNow, 1);
    assert.deepEqual(a.seqs, [1, 2, 3]);
    await held.sync();
    assert.deepEqual(a.seqs, [1, 2, 3], 'a sync that finishes later tells no one twice');
    queue.stop();
  });

  it('tells the live stream of a commit that changed what the view shows, or heard a cluster after a silence', () => {
    const told: string[][] = [];
    const queue = queueOn(store, { onCommitted: (clusters) => told.push([...clusters]) });
    queue.push(client('a', 'e3'), undefined, 10, false);
    queue.flushAll();
    assert.deepEqual(told, [], 'a heartbeat a moment after the last frame: lastHeardAt alone');
    queue.push(client('a', 'e3'), undefined, 10, true);
    queue.flushAll();
    assert.deepEqual(told, [['a']], 'a heartbeat after a silence: the cluster may have been stale');
    queue.push(client('b', 'e3'), event(1, 'e3'), 10, false);
    queue.flushAll();
    assert.deepEqual(told, [['a'], ['b']], 'an event changes what is stored of it');
    queue.stop();
  });

  it('takes no more than its budget of rows per commit, and stops reading above the weight mark', () => {
    const commits: number[] = [];
    const pressure: boolean[] = [];
    const counting: CommitQueueOptions['store'] = {
      applyBatches: (batches, now, options) => {
        commits.push(batches.reduce((sum, batch) => sum + batch.records.length, 0));
        return store.applyBatches(batches, now, options);
      },
      persist: () => store.persist(),
      persistNow: () => {
        store.persistNow();
      },
    };
    let flushed = 0;
    const queue = queueOn(counting, {
      flushMaxWeight: 600,
      flushTargetMs: 60_000,
      highWaterWeight: 900,
      onPressure: (high) => pressure.push(high),
      onFlushed: () => {
        flushed += 1;
      },
    });
    const c = client('c', 'e4');
    const snapshot = (seq: number): AgentRecord => ({
      epoch: 'e4',
      seq,
      type: 'snapshot-chunk',
      chunk: {
        snapshotId: `s${seq}`,
        digest: 'd',
        index: 0,
        last: true,
        // A record of 200 rows: RECORD_WEIGHT and its resources.
        resources: Array.from({ length: 200 - RECORD_WEIGHT }, (_, i) => resource(`r${i}`)),
      },
    });
    for (let seq = 1; seq <= 5; seq++) queue.push(c, snapshot(seq), 10);
    assert.equal(queue.full, false, '1000 rows: under two commits’ budgets');
    assert.deepEqual(pressure, [true], '1000 rows queued, over 900');
    queue.push(c, snapshot(6), 10);
    assert.equal(queue.full, true, '1200 rows: two commits’ worth');
    queue.flushAll();
    assert.deepEqual(commits, [3, 3], 'three snapshots of 200 rows fit 600');
    assert.equal(flushed, 2, 'told after each commit');
    assert.equal(queue.full, false);
    assert.deepEqual(pressure, [true, false]);
    assert.deepEqual(c.seqs, [3, 6]);
    queue.stop();
  });

  it('tells the clients of commits on the disk a slice of the loop at a time, oldest first, once', async () => {
    const held = heldDisk(store);
    let time = 0;
    const queue = queueOn(held.disk, { flushMaxRecords: 1, deliverSliceMs: 2, clock: () => (time += 1) });
    const told: string[] = [];
    for (const cluster of ['a', 'b', 'c']) {
      queue.push({ ...client(cluster, 'e6'), stored: () => told.push(cluster) }, event(1, 'e6'), 10);
    }
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.epochSeq('c', 'e6'), 1, 'three commits');
    await held.syncNewest();
    // A clock reading a step (a result told, a commit done): 2 ms are a result and its commit.
    assert.deepEqual(told, ['a'], 'the first slice ends after 2 ms');
    assert.equal(queue.holds('c'), true, 'c is not told yet');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(told, ['a', 'b'], 'the next turn of the loop, the next slice');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(told, ['a', 'b', 'c']);
    assert.equal(queue.holds('c'), false);
    await held.sync();
    await held.sync();
    assert.deepEqual(told, ['a', 'b', 'c'], 'the older syncs finishing later tell no one twice');
    queue.stop();
  });

  it('tells each client once when one of them calls back in to flush everything', async () => {
    const held = heldDisk(store);
    // A clock that stands still: the slice never runs out, only the work does.
    const queue = queueOn(held.disk, { flushMaxRecords: 1, deliverSliceMs: 2, clock: () => 0 });
    const told: string[] = [];
    for (const cluster of ['a', 'b', 'c']) {
      const stored = (): void => {
        told.push(cluster);
        if (cluster === 'a') queue.flushAll();
      };
      queue.push({ ...client(cluster, 'e8'), stored }, event(1, 'e8'), 10);
    }
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    await held.syncNewest();
    assert.deepEqual(told, ['a', 'b', 'c'], 'the flush told b and c; the slice it ran in tells no one twice');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(told, ['a', 'b', 'c']);
    queue.stop();
  });

  it('still tells what a sync vouched for when a later sync fails, and fails only the rest', async () => {
    const held = heldDisk(store);
    let time = 0;
    const queue = queueOn(held.disk, { flushMaxRecords: 1, deliverSliceMs: 2, clock: () => (time += 1) });
    const clients = ['a', 'b', 'c', 'b'].map((cluster) => client(cluster, 'e7'));
    clients.forEach((each, index) => {
      queue.push(each, event(index + 1, 'e7'), 10);
    });
    for (let turn = 0; turn < 4; turn++) await new Promise((resolve) => setImmediate(resolve));
    const fourth = held.takeNewest();
    await held.syncNewest();
    assert.deepEqual(
      clients.map((each) => each.seqs),
      [[1], [], [], []],
      'one slice of the three commits the third sync vouched for',
    );
    fourth?.reject(new Error('EIO'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      clients.map((each) => each.seqs),
      [[1], [2], [3], []],
      'the sync of the third commit vouched for three',
    );
    assert.deepEqual(
      clients.map((each) => each.failures),
      [[], [], [], ['failed']],
      'the fourth commit may not be on the disk',
    );
    assert.equal(queue.holds('b'), false);
    queue.stop();
  });

  it('keeps no record of a commit while its sync runs: only whom to tell', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const held = heldDisk(store);
    const queue = queueOn(held.disk, { flushMaxRecords: 1 });
    const a = client('a');
    let record: AgentRecord | undefined = event(40);
    const kept = new WeakRef(record);
    queue.push(a, record, 10);
    record = undefined;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.epochSeq('a', 'e1'), 40, 'committed');
    assert.equal(queue.holds('a'), true, 'its sync still running');
    // A WeakRef's target lives to the end of the job that made it: collect on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(kept.deref(), undefined, 'the record is not held through the sync');
    await held.sync();
    assert.deepEqual(a.seqs, [40]);
    queue.stop();
  });
});
