// What the generator counts, per tag (the phase or burst that sent a message) and per kind of message:
// how many were sent, how many the hub acknowledged and after how long, how many were lost to a
// reconnect. An ack counts only when the generator received it; a heartbeat (never acked by the
// protocol) counts as acknowledged when a cumulative ack covers a later message of its connection.

export const MESSAGE_KINDS = ['heartbeat', 'delta', 'snapshot', 'syncReport'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface KindStats {
  readonly sent: number;
  readonly acked: number;
  /** Sent on a link that closed before the ack: a snapshot or delta is not resent (the hello's digest covers it). */
  readonly lost: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface TagStats {
  readonly tag: string;
  readonly byKind: Readonly<Partial<Record<MessageKind, KindStats>>>;
  /** performance.now() of the first send and of the last ack, ms (NaN when none). */
  readonly firstSentAt: number;
  readonly lastAckedAt: number;
}

interface Counts {
  sent: number;
  acked: number;
  lost: number;
  latencies: number[];
}

interface TagRecord {
  readonly kinds: Map<MessageKind, Counts>;
  firstSentAt: number;
  lastAckedAt: number;
}

export interface Recorder {
  sent(tag: string, kind: MessageKind, at: number): void;
  acked(tag: string, kind: MessageKind, sentAt: number, at: number): void;
  lost(tag: string, kind: MessageKind): void;
  /** Messages of the tag sent and neither acked nor lost yet. */
  outstanding(tag: string): number;
  stats(tag: string): TagStats;
  tags(): string[];
}

/** Nearest-rank percentile of values sorted ascending. */
export function rankPercentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export function createRecorder(): Recorder {
  const tags = new Map<string, TagRecord>();
  const record = (tag: string): TagRecord => {
    let found = tags.get(tag);
    if (found === undefined) {
      found = { kinds: new Map(), firstSentAt: Number.NaN, lastAckedAt: Number.NaN };
      tags.set(tag, found);
    }
    return found;
  };
  const counts = (tag: string, kind: MessageKind): Counts => {
    const kinds = record(tag).kinds;
    let found = kinds.get(kind);
    if (found === undefined) {
      found = { sent: 0, acked: 0, lost: 0, latencies: [] };
      kinds.set(kind, found);
    }
    return found;
  };
  return {
    sent: (tag, kind, at) => {
      const entry = record(tag);
      if (Number.isNaN(entry.firstSentAt)) entry.firstSentAt = at;
      counts(tag, kind).sent += 1;
    },
    acked: (tag, kind, sentAt, at) => {
      const entry = counts(tag, kind);
      entry.acked += 1;
      entry.latencies.push(at - sentAt);
      const tagged = record(tag);
      tagged.lastAckedAt = Number.isNaN(tagged.lastAckedAt) ? at : Math.max(tagged.lastAckedAt, at);
    },
    lost: (tag, kind) => {
      counts(tag, kind).lost += 1;
    },
    outstanding: (tag) => {
      let open = 0;
      for (const entry of tags.get(tag)?.kinds.values() ?? []) open += entry.sent - entry.acked - entry.lost;
      return open;
    },
    stats: (tag) => {
      const entry = record(tag);
      const byKind: Partial<Record<MessageKind, KindStats>> = {};
      for (const [kind, value] of entry.kinds) {
        const sorted = [...value.latencies].sort((a, b) => a - b);
        byKind[kind] = {
          sent: value.sent,
          acked: value.acked,
          lost: value.lost,
          p50Ms: rankPercentile(sorted, 50),
          p99Ms: rankPercentile(sorted, 99),
          maxMs: sorted.at(-1) ?? Number.NaN,
        };
      }
      return { tag, byKind, firstSentAt: entry.firstSentAt, lastAckedAt: entry.lastAckedAt };
    },
    tags: () => [...tags.keys()],
  };
}
