// What the agent has to tell the hub and the hub has not acknowledged yet. Pure: no socket, no clock.
//
// The seq rule (one counter per epoch, shared with hellos and heartbeats, which take theirs when sent):
// - A message takes its seq when it is first sent, not when it is queued, so that on a connection the
//   agent's messages always go out in seq order.
// - It keeps that seq until acked: after a reconnect it is resent with its original seq, before
//   anything new (the reconnect's hello has a higher seq than these resends, and takes no part in acks).
//   The hub, which keeps per epoch the highest seq it stored, acks a resend at or below that mark again
//   and stores it no twice.
// - Acks are cumulative: `ack(seq)` forgets every message of the epoch with a seq at or below it.
// - At most `maxUnacked` messages are in flight on a connection; the rest wait, without a seq.
// - Snapshot chunks and deltas are never resent: a new connection drops them, since the hello's digest
//   covers them and the hub asks for a full snapshot if its copy differs. A new snapshot replaces an
//   older one and the deltas on it, wherever they are not yet on the wire of this connection.
// - While the hub is away, at most `maxWaiting` reports, drifts and events wait; past that the oldest
//   drift or event is dropped first, then the oldest report, and each drop is counted.
import type { AgentMessageOf, SnapshotBody } from '@ferry/shared/protocol';

/** The messages the hub stores and acks. */
export const STORED_TYPES = ['syncReport', 'snapshot', 'delta', 'drift', 'event', 'readiness'] as const;
export type StoredType = (typeof STORED_TYPES)[number];

export type Outgoing = {
  [T in StoredType]: { readonly type: T; readonly body: AgentMessageOf<T>['body'] };
}[StoredType];

/** The next message to put on the wire, with its seq; `resend` when it went out on an earlier connection. */
export interface Numbered {
  readonly seq: number;
  readonly message: Outgoing;
  readonly resend: boolean;
}

export interface OutboxOptions {
  /** Reports, drifts and events kept waiting (not yet sent) at most. */
  readonly maxWaiting: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { maxWaiting: 256 };

interface Entry {
  readonly message: Outgoing;
  seq: number | undefined;
  /** The connection it was last sent on (0: never sent). */
  sentOn: number;
}

const coalesced = (type: StoredType): boolean => type === 'snapshot' || type === 'delta';

export class Outbox {
  readonly #options: OutboxOptions;
  /** Sent at least once, not acked; ascending seq. */
  #inFlight: Entry[] = [];
  /** Not sent yet; in the order they came. */
  #waiting: Entry[] = [];
  #connection = 0;
  readonly #dropped: Record<StoredType, number> = {
    syncReport: 0,
    snapshot: 0,
    delta: 0,
    drift: 0,
    event: 0,
    readiness: 0,
  };

  constructor(options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS) {
    this.#options = options;
  }

  /**
   * Messages lost, by type: over the waiting bound, or refused by our own serializer. (Snapshots and
   * deltas replaced by newer state are not lost, and not counted.)
   */
  get dropped(): Readonly<Record<StoredType, number>> {
    return this.#dropped;
  }

  /** Sent and not acked. */
  get inFlight(): number {
    return this.#inFlight.length;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Sent on the current connection and not acked: what counts against maxUnacked. */
  get unackedOnConnection(): number {
    return this.#inFlight.filter((entry) => entry.sentOn === this.#connection).length;
  }

  /**
   * Queues a report, drift, event, readiness or delta (snapshots go through replaceSnapshot). A readiness
   * report replaces one still waiting: it describes the whole cluster, so only the newest matters.
   */
  push(message: Outgoing): void {
    if (message.type === 'readiness')
      this.#waiting = this.#waiting.filter((entry) => entry.message.type !== 'readiness');
    if (!coalesced(message.type)) this.#makeRoom();
    this.#waiting.push({ message, seq: undefined, sentOn: 0 });
  }

  /** Queues a full snapshot; the older snapshot and its deltas go, unless already sent on this connection. */
  replaceSnapshot(chunks: readonly SnapshotBody[]): void {
    const stale = (entry: Entry): boolean =>
      coalesced(entry.message.type) && (entry.seq === undefined || entry.sentOn !== this.#connection);
    this.#waiting = this.#waiting.filter((entry) => !stale(entry));
    this.#inFlight = this.#inFlight.filter((entry) => !stale(entry));
    for (const body of chunks)
      this.#waiting.push({ message: { type: 'snapshot', body }, seq: undefined, sentOn: 0 });
  }

  /** A new connection: unacked messages are to be resent, except snapshots and deltas, which go. */
  startConnection(): void {
    this.#connection++;
    this.#waiting = this.#waiting.filter((entry) => !coalesced(entry.message.type));
    this.#inFlight = this.#inFlight.filter((entry) => !coalesced(entry.message.type));
  }

  /**
   * The next message to send on this connection: unacked ones first (their own seq, in order), then
   * waiting ones (a seq from `nextSeq`); undefined when nothing is left or `maxUnacked` are in flight.
   */
  next(maxUnacked: number, nextSeq: () => number): Numbered | undefined {
    if (this.unackedOnConnection >= maxUnacked) return undefined;
    const resend = this.#inFlight.find((entry) => entry.sentOn !== this.#connection);
    if (resend?.seq !== undefined) {
      resend.sentOn = this.#connection;
      return { seq: resend.seq, message: resend.message, resend: true };
    }
    const entry = this.#waiting.shift();
    if (entry === undefined) return undefined;
    const seq = nextSeq();
    entry.seq = seq;
    entry.sentOn = this.#connection;
    this.#inFlight.push(entry);
    return { seq, message: entry.message, resend: false };
  }

  /** A cumulative ack: every message with a seq at or below `seq` is forgotten. Answers them. */
  ack(seq: number): Numbered[] {
    const acked: Numbered[] = [];
    this.#inFlight = this.#inFlight.filter((entry) => {
      if (entry.seq !== undefined && entry.seq > seq) return true;
      if (entry.seq !== undefined) acked.push({ seq: entry.seq, message: entry.message, resend: false });
      return false;
    });
    return acked;
  }

  /** Forgets a message that cannot be sent (our serializer refused it); counted as dropped. */
  discard(seq: number): void {
    this.#inFlight = this.#drop(this.#inFlight, (entry) => entry.seq === seq);
  }

  #drop(entries: Entry[], drop: (entry: Entry) => boolean): Entry[] {
    return entries.filter((entry) => {
      if (!drop(entry)) return true;
      this.#dropped[entry.message.type]++;
      return false;
    });
  }

  /** Over the bound: the oldest waiting drift or event goes first, then the oldest report. */
  #makeRoom(): void {
    const bounded = this.#waiting.filter((entry) => !coalesced(entry.message.type));
    if (bounded.length < this.#options.maxWaiting) return;
    const victim =
      bounded.find(
        (entry) =>
          entry.message.type === 'drift' ||
          entry.message.type === 'event' ||
          entry.message.type === 'readiness',
      ) ?? bounded.find((entry) => entry.message.type === 'syncReport');
    if (victim === undefined) return;
    this.#waiting = this.#drop(this.#waiting, (entry) => entry === victim);
  }
}
