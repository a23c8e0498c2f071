import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSequence, takeSequence } from './sequence.ts';
import { createUnacked } from './unacked.ts';

const EPOCH = 'e1';

/** Feeds frames (seq, or [seq, type]) after a hello of `helloSeq`; the reasons of refusals, or 'ok'. */
function run(helloSeq: number, frames: readonly (number | [number, string])[]): string[] {
  const state = startSequence(EPOCH, helloSeq);
  return frames.map((frame) => {
    const [seq, type] = typeof frame === 'number' ? [frame, 'event'] : frame;
    const check = takeSequence(state, { epoch: EPOCH, seq, type });
    if (!check.ok) return check.reason;
    return check.resend ? 'resend' : 'ok';
  });
}

describe('the order of frames on one connection', () => {
  it('takes new messages one more each, from the hello’s seq', () => {
    assert.deepEqual(run(1, [2, 3, [4, 'heartbeat'], 5]), ['ok', 'ok', 'ok', 'ok']);
  });
  it('takes resends below the hello’s seq first, increasing, with gaps, then new messages', () => {
    assert.deepEqual(run(20, [5, 9, 12, 21, 22]), ['resend', 'resend', 'resend', 'ok', 'ok']);
  });
  it('refuses a gap in new messages', () => {
    assert.deepEqual(run(1, [2, 4]), ['ok', 'seq: 4 leaves a gap (expected 3)']);
    assert.deepEqual(run(20, [5, 22]), ['resend', 'seq: 22 leaves a gap (expected 21)']);
  });
  it('refuses a repeat, of a new message or of the hello', () => {
    assert.deepEqual(run(1, [2, 2]), ['ok', 'seq: 2 repeats (expected 3)']);
    assert.deepEqual(run(7, [7]), ["seq: 7 repeats the hello's seq"]);
  });
  it('refuses resends out of order, or after a new message', () => {
    assert.deepEqual(run(20, [9, 5]), ['resend', 'seq: 5 after 9: resends must come in increasing order']);
    assert.deepEqual(run(20, [9, 9]), ['resend', 'seq: 9 after 9: resends must come in increasing order']);
    assert.deepEqual(run(20, [21, 9]), ['ok', 'seq: 9 after 21: resends come before new messages']);
  });
  it('refuses a heartbeat below the hello’s seq: heartbeats are never resent', () => {
    assert.deepEqual(run(20, [[9, 'heartbeat']]), ["seq: heartbeat 9 is below the hello's 20: never resent"]);
  });
  it('leaves the state as it was when it refuses a frame, and takes the next in order after it', () => {
    const state = startSequence(EPOCH, 20);
    assert.deepEqual(takeSequence(state, { epoch: EPOCH, seq: 9, type: 'event' }), {
      ok: true,
      resend: true,
    });
    assert.equal(takeSequence(state, { epoch: EPOCH, seq: 8, type: 'event' }).ok, false);
    assert.equal(takeSequence(state, { epoch: EPOCH, seq: 23, type: 'event' }).ok, false);
    assert.equal(state.last, 9);
    assert.deepEqual(takeSequence(state, { epoch: EPOCH, seq: 21, type: 'event' }), {
      ok: true,
      resend: false,
    });
    assert.equal(state.last, 21);
  });
  it('refuses a frame of another epoch', () => {
    const check = takeSequence(startSequence(EPOCH, 1), { epoch: 'e2', seq: 2, type: 'event' });
    assert.deepEqual(check, {
      ok: false,
      reason: "epoch: differs from the hello's (a new agent process must reconnect)",
    });
  });
});

describe('messages in flight without an ack', () => {
  it('counts what was received and forgets what a cumulative ack covers', () => {
    const unacked = createUnacked();
    for (const seq of [3, 5, 6, 9]) unacked.add(seq);
    assert.equal(unacked.count, 4);
    unacked.ackedUpTo(5);
    assert.equal(unacked.count, 2);
    unacked.ackedUpTo(4);
    assert.equal(unacked.count, 2, 'an older ack changes nothing');
    unacked.ackedUpTo(9);
    assert.equal(unacked.count, 0);
  });
  it('keeps its order across acks that leave some in flight, and as it reuses its room', () => {
    const unacked = createUnacked();
    let next = 1;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 4; i++) unacked.add(next++);
      unacked.ackedUpTo(next - 3);
      assert.equal(unacked.count, 2, `round ${round}: the last two stay in flight`);
    }
    unacked.ackedUpTo(next - 2);
    assert.equal(unacked.count, 1);
    unacked.ackedUpTo(next);
    assert.equal(unacked.count, 0);
    unacked.add(next);
    assert.equal(unacked.count, 1);
  });
});
