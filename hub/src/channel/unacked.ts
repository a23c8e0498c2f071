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
  // A queue in one array that is never replaced: held seqs sit at [head, tail). An ack moves head on,
  // and when everything is acked both go back to 0; a new array per ack, kept by the link until its
  // next ack, was garbage promoted with every ack of 10,000 links.
  const seqs: number[] = [];
  let head = 0;
  let tail = 0;
  return {
    get count() {
      return tail - head;
    },
    add: (seq) => {
      if (tail === seqs.length && head > 0) {
        seqs.copyWithin(0, head, tail);
        tail -= head;
        head = 0;
      }
      if (tail === seqs.length) seqs.push(seq);
      else seqs[tail] = seq;
      tail += 1;
    },
    ackedUpTo: (seq) => {
      while (head < tail && (seqs[head] ?? Infinity) <= seq) head += 1;
      if (head === tail) {
        head = 0;
        tail = 0;
      }
    },
  };
}
