import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventBody, SnapshotBody, SyncReportBody } from '@ferry/shared/protocol';
import { Outbox, type Numbered, type Outgoing } from './outbox.ts';

const AT = '2024-05-01T12:00:00.000Z';

function report(syncId: string): Outgoing {
  const body: SyncReportBody = {
    syncId,
    startedAt: AT,
    durationMs: 1,
    result: 'applied',
    health: { status: 'Current', message: '' },
    counts: { created: 0, configured: 0, unchanged: 0, deleted: 0, failed: 0 },
    errors: [],
    changes: [],
    timings: {},
  };
  return { type: 'syncReport', body };
}

function event(message: string): Outgoing {
  const body: EventBody = { reason: 'Applied', type: 'Normal', message, at: AT };
  return { type: 'event', body };
}

function readiness(rebuildable: number): Outgoing {
  const empty = { count: 0, items: [] };
  return {
    type: 'readiness',
    body: { scannedAt: AT, rebuildable, total: rebuildable, notInGit: empty, data: empty, unknownKinds: [] },
  };
}

function chunk(snapshotId: string, index: number, chunks: number): SnapshotBody {
  return { snapshotId, digest: `sha256:${'0'.repeat(64)}`, chunk: index, chunks, resources: [] };
}

/** Everything the outbox lets out now, with seqs from `counter`. */
function drain(outbox: Outbox, maxUnacked: number, counter: { seq: number }): Numbered[] {
  const out: Numbered[] = [];
  for (
    let next = outbox.next(maxUnacked, () => ++counter.seq);
    next;
    next = outbox.next(maxUnacked, () => ++counter.seq)
  )
    out.push(next);
  return out;
}

const label = (numbered: Numbered): string =>
  numbered.message.type === 'syncReport'
    ? numbered.message.body.syncId
    : numbered.message.type === 'event'
      ? numbered.message.body.message
      : numbered.message.type;

describe('Outbox', () => {
  it('gives each message its seq when first sent, in order, and forgets it when acked', () => {
    const outbox = new Outbox();
    const counter = { seq: 1 }; // the hello took seq 1
    outbox.startConnection();
    outbox.push(report('a'));
    outbox.push(event('b'));
    const sent = drain(outbox, 64, counter);
    assert.deepEqual(
      sent.map((n) => [n.seq, label(n), n.resend]),
      [
        [2, 'a', false],
        [3, 'b', false],
      ],
    );
    assert.equal(outbox.ack(3).length, 2);
    assert.equal(outbox.inFlight, 0);
  });

  it('takes an ack as cumulative, and ignores one below what is in flight', () => {
    const outbox = new Outbox();
    const counter = { seq: 0 };
    outbox.startConnection();
    for (const id of ['a', 'b', 'c']) outbox.push(report(id));
    drain(outbox, 64, counter);
    assert.equal(outbox.ack(2).length, 2);
    assert.equal(outbox.ack(1).length, 0);
    assert.equal(outbox.inFlight, 1);
  });

  it('keeps at most maxUnacked in flight; the rest wait without a seq until acks come', () => {
    const outbox = new Outbox();
    const counter = { seq: 0 };
    outbox.startConnection();
    for (const id of ['a', 'b', 'c', 'd', 'e']) outbox.push(report(id));
    assert.deepEqual(drain(outbox, 2, counter).map(label), ['a', 'b']);
    assert.equal(outbox.waiting, 3);
    counter.seq += 5; // heartbeats went out meanwhile
    outbox.ack(1);
    const next = drain(outbox, 2, counter);
    assert.deepEqual(
      next.map((n) => [n.seq, label(n)]),
      [[8, 'c']],
    );
  });

  it('resends unacked messages after a reconnect with their original seqs, in order, before anything new', () => {
    const outbox = new Outbox();
    const counter = { seq: 1 };
    outbox.startConnection();
    for (const id of ['a', 'b', 'c']) outbox.push(report(id));
    drain(outbox, 64, counter); // a=2 b=3 c=4
    outbox.ack(2);
    outbox.push(report('d')); // queued while the link is going down
    outbox.startConnection();
    const hello = ++counter.seq; // the reconnect's hello: 5
    const sent = drain(outbox, 64, counter);
    assert.deepEqual(
      sent.map((n) => [n.seq, label(n), n.resend]),
      [
        [3, 'b', true],
        [4, 'c', true],
        [6, 'd', false],
      ],
    );
    assert.ok(sent.filter((n) => n.resend).every((n) => n.seq < hello));
  });

  it('resends within the new connection’s maxUnacked', () => {
    const outbox = new Outbox();
    const counter = { seq: 0 };
    outbox.startConnection();
    for (const id of ['a', 'b', 'c']) outbox.push(report(id));
    drain(outbox, 64, counter);
    outbox.startConnection();
    assert.deepEqual(drain(outbox, 2, counter).map(label), ['a', 'b']);
    outbox.ack(1);
    assert.deepEqual(drain(outbox, 2, counter).map(label), ['c']);
  });

  it('drops snapshot chunks and deltas on a new connection: the hello digest covers them', () => {
    const outbox = new Outbox();
    const counter = { seq: 0 };
    outbox.startConnection();
    outbox.replaceSnapshot([chunk('s1', 0, 2), chunk('s1', 1, 2)]);
    outbox.push(report('a'));
    drain(outbox, 1, counter); // chunk 0 in flight; chunk 1 and the report wait
    outbox.startConnection();
    assert.deepEqual(drain(outbox, 64, counter).map(label), ['a']);
    assert.deepEqual(outbox.dropped, {
      syncReport: 0,
      snapshot: 0,
      delta: 0,
      drift: 0,
      event: 0,
      readiness: 0,
    });
  });

  it('replaces an older snapshot and its deltas, but not what is already on this connection’s wire', () => {
    const outbox = new Outbox();
    const counter = { seq: 0 };
    outbox.startConnection();
    outbox.replaceSnapshot([chunk('s1', 0, 2), chunk('s1', 1, 2)]);
    const first = drain(outbox, 1, counter);
    assert.equal(first.length, 1);
    outbox.push({ type: 'delta', body: { snapshotId: 's1', upserts: [], removals: [] } });
    outbox.replaceSnapshot([chunk('s2', 0, 1)]);
    assert.equal(outbox.inFlight, 1); // s1 chunk 0 stays until acked: it counts against maxUnacked
    outbox.ack(1);
    const rest = drain(outbox, 64, counter);
    assert.deepEqual(
      rest.map((n) => (n.message.type === 'snapshot' ? n.message.body.snapshotId : n.message.type)),
      ['s2'],
    );
  });

  it('bounds what waits: the oldest drift or event goes first, then the oldest report, each counted', () => {
    const outbox = new Outbox({ maxWaiting: 3 });
    outbox.push(report('r1'));
    outbox.push(event('e1'));
    outbox.push(report('r2'));
    outbox.push(report('r3')); // full: e1 goes
    outbox.push(report('r4')); // full of reports: r1 goes
    outbox.startConnection();
    assert.deepEqual(drain(outbox, 64, { seq: 0 }).map(label), ['r2', 'r3', 'r4']);
    assert.deepEqual(outbox.dropped, {
      syncReport: 1,
      snapshot: 0,
      delta: 0,
      drift: 0,
      event: 1,
      readiness: 0,
    });
  });

  it('keeps only the newest waiting readiness report, but never takes back one already sent', () => {
    const outbox = new Outbox();
    const counter = { seq: 1 };
    outbox.startConnection();
    outbox.push(readiness(1));
    const [sent] = drain(outbox, 64, counter);
    outbox.push(readiness(2));
    outbox.push(event('between'));
    outbox.push(readiness(3));
    const rest = drain(outbox, 64, counter);
    const rebuildable = (n: Numbered | undefined): number | string =>
      n?.message.type === 'readiness' ? n.message.body.rebuildable : label(n as Numbered);
    assert.equal(rebuildable(sent), 1);
    assert.deepEqual(rest.map(rebuildable), ['between', 3]);
  });

  it('forgets a message our serializer refused, and counts it', () => {
    const outbox = new Outbox();
    outbox.startConnection();
    outbox.push(event('x'));
    const [sent] = drain(outbox, 64, { seq: 0 });
    assert.ok(sent);
    outbox.discard(sent.seq);
    assert.equal(outbox.inFlight, 0);
    assert.equal(outbox.dropped.event, 1);
  });
});
