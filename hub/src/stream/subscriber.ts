// One client of the event stream, as the body of its HTTP response: a ReadableStream that is pulled
// (written only as fast as the client reads), fed from a start (a full list of clusters read page by
// page, or the events it missed, replayed) and then from a bounded queue of live events. A live event
// that would overflow the queue ends the stream (the drop rule): the client reconnects and starts over.
//
// Order per cluster is kept: while the full list is being sent, queued live events go first (a page
// read later is never older than them), and carry no id, since the list is not complete yet; `ready`
// then carries the id of the last event the client has. A replay goes first, then the queue.
import type { ClusterJson } from '../api/json.ts';
import { createBoundedQueue, type QueueLimits } from './bounded-queue.ts';
import type { RingEntry } from './ring-buffer.ts';
import { formatSseComment, formatSseEvent } from './sse.ts';

/** One event of the stream, framed once for every subscriber. */
export interface StreamEntry extends RingEntry {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The framed event without its id line (`event:` and `data:` lines, the blank line), as UTF-8 bytes:
   * off the JS heap. The ring keeps the last thousand events for replays, seconds each in a burst of
   * full reports, long enough to be promoted: as strings they were most of what the old space took in.
   */
  readonly body: Uint8Array;
}

/** A page of the clusters a subscriber asked for, in name order; `next` continues it. */
export type PageReader = (after: string | undefined) => {
  readonly items: readonly ClusterJson[];
  readonly next?: string | undefined;
};

export type StartPlan =
  /** A full list: `snapshot`, one `cluster` event per cluster, `ready`. */
  | { readonly kind: 'snapshot'; readonly pages: PageReader; readonly fromSeq: number }
  /** The events after the client's Last-Event-ID, then `ready`. */
  | { readonly kind: 'replay'; readonly entries: readonly StreamEntry[]; readonly fromSeq: number };

export const END_REASONS = ['dropped', 'closed', 'cancelled', 'failed'] as const;
/** dropped: too slow (queue full); closed: the hub is stopping; cancelled: the client went; failed: a read failed. */
export type EndReason = (typeof END_REASONS)[number];

export interface SubscriberOptions {
  readonly plan: StartPlan;
  readonly matches: (labels: Readonly<Record<string, string>>) => boolean;
  /** The id a client sees for a seq. */
  readonly idOf: (seq: number) => string;
  readonly limits: QueueLimits;
  /** How much queued text one write takes at most (beyond its first event). */
  readonly chunkBytes: number;
  readonly onEnd: (reason: EndReason, error?: unknown) => void;
}

export interface Subscriber {
  readonly body: ReadableStream<Uint8Array>;
  /** A live event (after the plan's fromSeq): queued if it matches; a full queue ends the stream. */
  offer(entry: StreamEntry): void;
  /** A heartbeat comment, queued like an event. */
  ping(): void;
  end(reason: EndReason): void;
  readonly ended: Promise<EndReason>;
  readonly queuedItems: number;
  readonly queuedBytes: number;
}

type Item = { readonly kind: 'entry'; readonly entry: StreamEntry } | { readonly kind: 'ping' };

const PING = formatSseComment('ping');
const PING_BYTES = Buffer.byteLength(PING);

export function createSubscriber(options: SubscriberOptions): Subscriber {
  const { plan, matches, idOf, chunkBytes } = options;
  const queue = createBoundedQueue<Item>(options.limits);
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let wake: (() => void) | undefined;
  let done = false;
  let live = false;
  let listStarted = false;
  let after: string | undefined;
  let listDone = false;
  let listed = 0;
  let replayed = 0;
  let lastSent = plan.fromSeq;
  let markEnded: (reason: EndReason) => void = () => undefined;
  const ended = new Promise<EndReason>((resolve) => {
    markEnded = resolve;
  });

  const finish = (reason: EndReason, error?: unknown): void => {
    if (done) return;
    done = true;
    queue.clear();
    if (reason !== 'cancelled') {
      try {
        if (reason === 'failed') controller?.error(error);
        else controller?.close();
      } catch {
        // the stream is closed already
      }
    }
    wake?.();
    markEnded(reason);
    options.onEnd(reason, error);
  };

  /** Text and framed events, in order, as one write. */
  const bytesOf = (parts: readonly (string | Uint8Array)[]): Uint8Array =>
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part)));

  const framed = (entry: StreamEntry, withId: boolean): (string | Uint8Array)[] => {
    lastSent = Math.max(lastSent, entry.seq);
    return withId ? [`id: ${idOf(entry.seq)}\n`, entry.body] : [entry.body];
  };

  const queued = (withIds: boolean): Uint8Array | undefined => {
    const items = queue.take(chunkBytes);
    if (items.length === 0) return undefined;
    return bytesOf(items.flatMap((item) => (item.kind === 'ping' ? [PING] : framed(item.entry, withIds))));
  };

  const ready = (data: Record<string, unknown>): string => {
    live = true;
    return formatSseEvent({ id: idOf(lastSent), event: 'ready', data: JSON.stringify(data) });
  };

  const listChunk = (pages: PageReader): Uint8Array | string | undefined => {
    const first = queued(false);
    if (first !== undefined) return first;
    if (!listStarted) {
      listStarted = true;
      return formatSseEvent({ event: 'snapshot', data: '{}' });
    }
    if (listDone) return ready({ mode: 'snapshot', clusters: listed });
    const page = pages(after);
    after = page.next;
    listDone = page.next === undefined || page.items.length === 0;
    listed += page.items.length;
    const text = page.items
      .map((cluster) => formatSseEvent({ event: 'cluster', data: JSON.stringify(cluster) }))
      .join('');
    return listDone ? text + ready({ mode: 'snapshot', clusters: listed }) : text;
  };

  const replayChunk = (entries: readonly StreamEntry[]): Uint8Array => {
    const batch = entries.slice(replayed, replayed + 64).filter((entry) => matches(entry.labels));
    replayed = Math.min(entries.length, replayed + 64);
    const parts = batch.flatMap((entry) => framed(entry, true));
    if (replayed >= entries.length)
      parts.push(ready({ mode: 'replay', events: entries.filter((e) => matches(e.labels)).length }));
    return bytesOf(parts);
  };

  /** The next text or bytes to write, or undefined when there is nothing yet. */
  const next = (): Uint8Array | string | undefined => {
    if (live) return queued(true);
    return plan.kind === 'snapshot' ? listChunk(plan.pages) : replayChunk(plan.entries);
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      pull: async (c) => {
        while (!done) {
          let chunk: Uint8Array | string | undefined;
          try {
            chunk = next();
          } catch (error) {
            finish('failed', error);
            return;
          }
          if (chunk !== undefined && chunk.length > 0) {
            c.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
            return;
          }
          if (chunk === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
          }
        }
      },
      cancel: () => {
        finish('cancelled');
      },
    },
    { highWaterMark: 0 },
  );

  const push = (item: Item, bytes: number): void => {
    if (done) return;
    if (!queue.push(item, bytes)) {
      finish('dropped');
      return;
    }
    wake?.();
  };

  return {
    body,
    offer: (entry) => {
      if (entry.seq > plan.fromSeq && matches(entry.labels)) push({ kind: 'entry', entry }, entry.bytes);
    },
    ping: () => {
      push({ kind: 'ping' }, PING_BYTES);
    },
    end: (reason) => {
      finish(reason);
    },
    ended,
    get queuedItems() {
      return queue.items;
    },
    get queuedBytes() {
      return queue.bytes;
    },
  };
}
