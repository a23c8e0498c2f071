import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterJson } from '../api/json.ts';
import {
  createClusterStream,
  DEFAULT_CLUSTER_STREAM_OPTIONS,
  type ClusterStreamOptions,
} from './cluster-stream.ts';
import { clusterJsonOf, eventReader, fakeClock, tableSource, type TableSource } from './test-stream.ts';

const START = Date.UTC(2025, 0, 1);
const STALE_AFTER_MS = 60_000;
const EPOCH = '0badcafe';

function setup(clusters: ClusterJson[], options: Partial<ClusterStreamOptions> = {}) {
  // Within the grace period: no cluster turns stale unless a test moves the clock.
  const clock = fakeClock(START + 30_000);
  const source: TableSource = tableSource(clusters);
  const stream = createClusterStream(
    {
      source,
      rule: { staleAfterMs: STALE_AFTER_MS, startedAtMs: START },
      now: clock.now,
      schedule: clock.schedule,
      epoch: EPOCH,
    },
    { ...DEFAULT_CLUSTER_STREAM_OPTIONS, pageSize: 2, ...options },
  );
  const set = (cluster: ClusterJson): void => {
    source.table.set(cluster.name, cluster);
    stream.changed([cluster.name]);
    clock.runDue();
  };
  return { clock, source, stream, set };
}

const names = (events: { data: string }[]) =>
  events.map((e) => (JSON.parse(e.data) as { name?: string }).name);

describe('the cluster stream', () => {
  it('starts with the full list, page by page, then ready with the id of the last event', async () => {
    const { stream } = setup(['a', 'b', 'c'].map((n) => clusterJsonOf(n)));
    const sub = stream.subscribe({});
    assert.equal(sub.start, 'snapshot');
    const events = eventReader(sub.body);
    const first = await events.next(5);
    assert.deepEqual(
      first.map((e) => e.event),
      ['snapshot', 'cluster', 'cluster', 'cluster', 'ready'],
    );
    assert.deepEqual(names(first.slice(1, 4)), ['a', 'b', 'c']);
    assert.deepEqual(JSON.parse(first[4]?.data ?? ''), { mode: 'snapshot', clusters: 3 });
    assert.equal(first[4]?.lastEventId, `${EPOCH}-0`);
    stream.close();
    assert.equal(await events.ended(), true);
  });

  it('sends a change only when what is shown changed, with increasing ids; a deletion as cluster-deleted', async () => {
    const { stream, source, set, clock } = setup([clusterJsonOf('a')]);
    const events = eventReader(stream.subscribe({}).body);
    await events.next(3);
    set(clusterJsonOf('a', { lastHeardAt: '2025-01-01T00:09:00.000Z' }));
    set(clusterJsonOf('a', { connected: false }));
    source.table.delete('a');
    stream.changed(['a', 'a']);
    clock.runDue();
    const changes = await events.next(2);
    assert.deepEqual(
      changes.map((e) => [e.event, e.lastEventId, e.data]),
      [
        ['cluster', `${EPOCH}-1`, JSON.stringify(clusterJsonOf('a', { connected: false }))],
        ['cluster-deleted', `${EPOCH}-2`, '{"name":"a"}'],
      ],
    );
    stream.close();
  });

  it('replays what a client missed after its Last-Event-ID, or sends the full list when it cannot', async () => {
    const { stream, set } = setup([clusterJsonOf('a')], { ringEvents: 3 });
    for (const status of ['InProgress', 'Failed', 'Current', 'Failed'] as const)
      set(clusterJsonOf('a', { health: { status, message: status } }));
    const replay = stream.subscribe({ lastEventId: `${EPOCH}-2` });
    assert.equal(replay.start, 'replay');
    const replayed = await eventReader(replay.body).next(3);
    assert.deepEqual(
      replayed.map((e) => [e.event, e.lastEventId]),
      [
        ['cluster', `${EPOCH}-3`],
        ['cluster', `${EPOCH}-4`],
        ['ready', `${EPOCH}-4`],
      ],
    );
    assert.equal(stream.subscribe({ lastEventId: `${EPOCH}-0` }).start, 'snapshot', 'event 1 was evicted');
    assert.equal(stream.subscribe({ lastEventId: `deadbeef-3` }).start, 'snapshot', 'another process');
    assert.equal(stream.subscribe({ lastEventId: `${EPOCH}-9` }).start, 'snapshot', 'not issued yet');
    stream.close();
  });

  it('filters by selector: the list, the changes and the deletions', async () => {
    const { stream, source, set, clock } = setup([
      clusterJsonOf('a', { labels: { env: 'prod' } }),
      clusterJsonOf('b', { labels: { env: 'dev' } }),
    ]);
    const events = eventReader(stream.subscribe({ selector: { env: 'prod' } }).body);
    assert.deepEqual(names((await events.next(3)).slice(1, 2)), ['a']);
    set(clusterJsonOf('b', { labels: { env: 'dev' }, connected: false }));
    set(clusterJsonOf('a', { labels: { env: 'prod' }, connected: false }));
    source.table.delete('b');
    source.table.delete('a');
    stream.changed(['b', 'a']);
    clock.runDue();
    const changes = await events.next(2);
    assert.deepEqual(
      changes.map((e) => [e.event, (JSON.parse(e.data) as { name: string }).name]),
      [
        ['cluster', 'a'],
        ['cluster-deleted', 'a'],
      ],
    );
    stream.close();
  });

  it('drops a subscriber that does not read once its queue is full, and keeps serving the others', async () => {
    const { stream, set } = setup([clusterJsonOf('a')], { queueEvents: 5, queueBytes: 1_000_000 });
    const slow = stream.subscribe({});
    const fast = eventReader(stream.subscribe({}).body);
    await fast.next(3);
    for (let i = 0; i < 20; i += 1) {
      set(clusterJsonOf('a', { health: { status: 'InProgress', message: `step ${i}` } }));
      assert.ok(stream.stats().largestQueueBytes <= 1_000_000);
      assert.equal((await fast.next(1)).length, 1);
    }
    assert.equal(await slow.ended, 'dropped');
    const stats = stream.stats();
    assert.deepEqual([stats.subscribers, stats.ended.dropped], [1, 1]);
    stream.close();
    assert.equal(stream.stats().ended.closed, 1);
  });

  it('notices a cluster turning stale when its time comes, with no write', async () => {
    const clock = fakeClock(START + 600_000);
    const heard = START + 590_000;
    const base = clusterJsonOf('a', { lastHeardAt: new Date(heard).toISOString() });
    const source = tableSource([base]);
    const stream = createClusterStream({
      source: {
        ...source,
        readMany: (names) =>
          new Map(
            names.includes('a') ? [['a', { ...base, stale: clock.now() > heard + STALE_AFTER_MS }]] : [],
          ),
      },
      rule: { staleAfterMs: STALE_AFTER_MS, startedAtMs: START },
      now: clock.now,
      schedule: clock.schedule,
      epoch: EPOCH,
    });
    const events = eventReader(stream.subscribe({}).body);
    await events.next(3);
    clock.advance(heard + STALE_AFTER_MS);
    clock.advance(heard + STALE_AFTER_MS + 1);
    const [event] = await events.next(1);
    assert.equal((JSON.parse(event?.data ?? '') as ClusterJson).stale, true);
    assert.equal(stream.stats().seq, 1);
    stream.close();
  });

  it('tells a read that failed for each of its clusters, and reads them again at their next change', () => {
    const clock = fakeClock(START + 30_000);
    const source = tableSource([clusterJsonOf('a'), clusterJsonOf('b')]);
    let failing = true;
    const failures: string[] = [];
    const stream = createClusterStream({
      source: {
        ...source,
        readMany: (names) => {
          if (failing) throw new Error('database is locked');
          return source.readMany(names);
        },
      },
      rule: { staleAfterMs: STALE_AFTER_MS, startedAtMs: START },
      now: clock.now,
      schedule: clock.schedule,
      epoch: EPOCH,
      onError: (error, cluster) => {
        failures.push(`${cluster}: ${error instanceof Error ? error.message : String(error)}`);
      },
    });
    source.table.set('a', clusterJsonOf('a', { stale: true }));
    stream.changed(['a', 'b']);
    clock.runDue();
    assert.deepEqual(failures, ['a: database is locked', 'b: database is locked']);
    assert.equal(stream.stats().seq, 0);
    failing = false;
    stream.changed(['a']);
    clock.runDue();
    assert.equal(stream.stats().seq, 1, 'a, read again');
    stream.close();
  });

  it('re-reads changed clusters a chunk to a read and a slice at a time, so that 10,000 changed at once do not hold the loop', () => {
    const clusters = Array.from({ length: 260 }, (_, i) => clusterJsonOf(`c${String(i).padStart(3, '0')}`));
    const source = tableSource(clusters);
    let elapsed = 0;
    const reads: string[][] = [];
    const turns: (() => void)[] = [];
    const stream = createClusterStream(
      {
        source: {
          ...source,
          readMany: (names) => {
            reads.push([...names]);
            elapsed += 2;
            return source.readMany(names);
          },
        },
        rule: { staleAfterMs: STALE_AFTER_MS, startedAtMs: START },
        now: () => START + 30_000,
        // Turns of the loop (delay 0); the stale timer's later wake-ups are not run here.
        schedule: (delayMs, fire) => {
          if (delayMs === 0) turns.push(fire);
          return () => undefined;
        },
        epoch: EPOCH,
        elapsedMs: () => elapsed,
      },
      DEFAULT_CLUSTER_STREAM_OPTIONS,
    );
    stream.changed(clusters.map((c) => c.name));
    const perTurn: number[] = [];
    for (let turn = turns.shift(); turn !== undefined; turn = turns.shift()) {
      const before = reads.length;
      turn();
      perTurn.push(reads.length - before);
    }
    // 50 clusters a read, 2 ms a read, 3 ms a slice: two reads a turn, in the order the changes came.
    assert.deepEqual(perTurn, [2, 2, 2]);
    assert.deepEqual(
      reads.map((names) => names.length),
      [50, 50, 50, 50, 50, 10],
    );
    assert.deepEqual(
      reads.flat(),
      clusters.map((c) => c.name),
    );
    stream.close();
  });
});
