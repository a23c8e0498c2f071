// The order of an agent's frames on one connection: no I/O, and the only state it moves is the
// connection's own (takeSequence). The rule, from docs/protocol.md "Order":
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
  /** The seq of the last frame taken after the hello; undefined before the first. */
  last: number | undefined;
}

export type SequenceCheck =
  { readonly ok: true; readonly resend: boolean } | { readonly ok: false; readonly reason: string };

export interface SequencedFrame {
  readonly type: string;
  readonly epoch: string;
  readonly seq: number;
}

// A frame in order allocates nothing that outlives it: the answers are shared, and the state is
// moved on in place. (A new state per frame, kept by its connection until the next frame, seconds
// later, was promoted with every frame of 10,000 links: the old space's garbage, and longer scavenges.)
const NEW: SequenceCheck = { ok: true, resend: false };
const RESEND: SequenceCheck = { ok: true, resend: true };

export function startSequence(epoch: string, helloSeq: number): SequenceState {
  return { epoch, helloSeq, last: undefined };
}

/**
 * Checks a frame's place in its connection's order; when it is in order, it becomes the state's last
 * (in place: a connection's state belongs to it alone). A refused frame leaves the state as it was.
 */
export function takeSequence(state: SequenceState, frame: SequencedFrame): SequenceCheck {
  const { helloSeq, last } = state;
  const { seq } = frame;
  if (frame.epoch !== state.epoch) {
    return { ok: false, reason: "epoch: differs from the hello's (a new agent process must reconnect)" };
  }
  if (seq === helloSeq) return { ok: false, reason: `seq: ${seq} repeats the hello's seq` };
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
    state.last = seq;
    return RESEND;
  }
  const expected = last !== undefined && last > helloSeq ? last + 1 : helloSeq + 1;
  if (seq < expected) return { ok: false, reason: `seq: ${seq} repeats (expected ${expected})` };
  if (seq > expected) return { ok: false, reason: `seq: ${seq} leaves a gap (expected ${expected})` };
  state.last = seq;
  return NEW;
}
