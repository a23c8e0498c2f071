// The messages of one connection the hub has received to store but not yet acked, to hold the agent
// to maxUnacked. Seqs arrive in increasing order on a connection (sequence.ts), and acks are cumulative,
// so this is a queue whose head an ack cuts off. The hub's count never exceeds the agent's own (acks on
// the wire are known to the hub first), so refusing above the limit never refuses an agent that kept it.

export interface Unacked {
  readonly count: number;
  add(seq: number): void;
  /** An ack up to `seq` was sent: everything at or below it is no longer in flight. */
  ackedUpTo(seq: number): void;
}

export function createUnacked(): Unacked {
  let seqs: number[] = [];
  return {
    get count() {
      return seqs.length;
    },
    add: (seq) => {
      seqs.push(seq);
    },
    ackedUpTo: (seq) => {
      const firstOpen = seqs.findIndex((held) => held > seq);
      seqs = firstOpen === -1 ? [] : seqs.slice(firstOpen);
    },
  };
}
