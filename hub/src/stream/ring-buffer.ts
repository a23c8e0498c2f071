// The stream's recent past: the last events, bounded in count and in bytes, so a client that reconnects
// with Last-Event-ID gets what it missed. When the events after its id are no longer all here (evicted)
// or the id is one this buffer never issued, there is nothing to replay: the client needs a full list.

export interface RingEntry {
  /** Increases by one per event. */
  readonly seq: number;
  readonly bytes: number;
}

export interface RingLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

export interface Ring<T extends RingEntry> {
  /** Appends an event (its seq above every earlier one), evicting the oldest beyond the limits. */
  push(entry: T): void;
  /**
   * The events after `seq`, oldest first ([] when none happened since), or undefined when they cannot
   * all be given: some were evicted, or `seq` is later than the last event.
   */
  after(seq: number): readonly T[] | undefined;
  /** The last event's seq (the seq before the first, when empty). */
  readonly lastSeq: number;
  readonly size: number;
  readonly bytes: number;
}

/** `firstSeq`: the seq the first event will carry (1 unless told). */
export function createRing<T extends RingEntry>(limits: RingLimits, firstSeq = 1): Ring<T> {
  let entries: T[] = [];
  let bytes = 0;
  let lastSeq = firstSeq - 1;
  /** Events up to this seq are gone: a client that saw fewer cannot be caught up. */
  let evictedThrough = firstSeq - 1;

  const evict = (): void => {
    let drop = 0;
    while (drop < entries.length && (entries.length - drop > limits.maxEvents || bytes > limits.maxBytes)) {
      const oldest = entries[drop];
      if (oldest === undefined) break;
      bytes -= oldest.bytes;
      evictedThrough = oldest.seq;
      drop += 1;
    }
    if (drop > 0) entries = entries.slice(drop);
  };

  return {
    push: (entry) => {
      if (entry.seq <= lastSeq) throw new RangeError(`ring: seq ${entry.seq} is not after ${lastSeq}`);
      entries.push(entry);
      bytes += entry.bytes;
      lastSeq = entry.seq;
      evict();
    },
    after: (seq) => {
      if (!Number.isSafeInteger(seq) || seq > lastSeq || seq < evictedThrough) return undefined;
      // Seqs are consecutive: the entry after `seq` sits at a known offset from the oldest.
      const oldest = entries[0]?.seq ?? lastSeq + 1;
      return entries.slice(Math.max(0, seq + 1 - oldest));
    },
    get lastSeq() {
      return lastSeq;
    },
    get size() {
      return entries.length;
    },
    get bytes() {
      return bytes;
    },
  };
}
