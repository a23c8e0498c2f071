// The order of an agent's frames on one connection. Pure. The rule, from docs/protocol.md "Order":
//
// 1. Every frame after the hello carries the hello's epoch (a new process is a new connection).
// 2. Resends first: after a reconnect the agent resends its unacked messages with their original seqs,
//    all below the hello's seq, in increasing order, with gaps (coalesced snapshots, messages acked
//    meanwhile). A resend at or below what the store holds is acked again, not stored twice (batch.ts).
//    Heartbeats are never resent.
// 3. Then new messages: the hello's seq + 1, and one more per frame, with no gap and no repeat.
//
// So seqs only ever increase on a connection; anything else is refused (4422) with the seq named.

export interface SequenceState {
  readonly epoch: string;
  readonly helloSeq: number;
  /** The seq of the last frame after the hello; undefined before the first. */
  readonly last: number | undefined;
}

export type SequenceCheck =
  | { readonly ok: true; readonly state: SequenceState; readonly resend: boolean }
  | { readonly ok: false; readonly reason: string };

export interface SequencedFrame {
  readonly type: string;
  readonly epoch: string;
  readonly seq: number;
}

export function startSequence(epoch: string, helloSeq: number): SequenceState {
  return { epoch, helloSeq, last: undefined };
}

export function checkSequence(state: SequenceState, frame: SequencedFrame): SequenceCheck {
  const { helloSeq, last } = state;
  const { seq } = frame;
  if (frame.epoch !== state.epoch) {
    return { ok: false, reason: "epoch: differs from the hello's (a new agent process must reconnect)" };
  }
  if (seq === helloSeq) return { ok: false, reason: `seq: ${seq} repeats the hello's seq` };
  const next = { ...state, last: seq };
  if (seq < helloSeq) {
    if (last !== undefined && last > helloSeq) {
      return { ok: false, reason: `seq: ${seq} after ${last}: resends come before new messages` };
    }
    if (last !== undefined && seq <= last) {
      return { ok: false, reason: `seq: ${seq} after ${last}: resends must come in increasing order` };
    }
    if (frame.type === 'heartbeat') {
      return { ok: false, reason: `seq: heartbeat ${seq} is below the hello's ${helloSeq}: never resent` };
    }
    return { ok: true, state: next, resend: true };
  }
  const expected = last !== undefined && last > helloSeq ? last + 1 : helloSeq + 1;
  if (seq < expected) return { ok: false, reason: `seq: ${seq} repeats (expected ${expected})` };
  if (seq > expected) return { ok: false, reason: `seq: ${seq} leaves a gap (expected ${expected})` };
  return { ok: true, state: next, resend: false };
}
