// The hub's live stream of cluster changes. Whoever changes a cluster says which (changed(): the
// channel after each commit and on each link's hello and close, the API after its own writes, the stale
// timer when a cluster crosses staleAfterMs); those clusters are re-read once per turn of the event loop
// and an event is made only when what the fleet view shows differs from what was last sent. Each event
// is framed once, kept in a bounded ring (for Last-Event-ID) and offered to every subscriber, whose own
// bounded queue drops it when it reads too slowly. Nothing here logs: ends are counted in stats().
import type { ClusterJson } from '../api/json.ts';
import { createChangeDetector, type ClusterChange } from './change-detector.ts';
import type { ClusterSource } from './cluster-source.ts';
import { formatEventId, newStreamEpoch, seqOfEventId } from './event-id.ts';
import { createRing } from './ring-buffer.ts';
import { createStaleTimer, nodeSchedule, type Schedule, type StaleRule } from './stale-timer.ts';
import { formatSseEvent } from './sse.ts';
import {
  createSubscriber,
  type EndReason,
  type StartPlan,
  type StreamEntry,
  type Subscriber,
} from './subscriber.ts';

export interface ClusterStreamOptions {
  /** Events kept for Last-Event-ID replay: at most this many, and this many bytes of them. */
  readonly ringEvents: number;
  readonly ringBytes: number;
  /** One subscriber's queue of unsent events: at most this many, and this many bytes; more drops it. */
  readonly queueEvents: number;
  readonly queueBytes: number;
  /** A `: ping` comment to every subscriber this often. */
  readonly pingIntervalMs: number;
  /** Clusters read from the store per page of a full list. */
  readonly pageSize: number;
}

export const DEFAULT_CLUSTER_STREAM_OPTIONS: ClusterStreamOptions = {
  ringEvents: 1000,
  ringBytes: 2 * 1024 * 1024,
  queueEvents: 500,
  queueBytes: 1024 * 1024,
  pingIntervalMs: 15_000,
  pageSize: 50,
};

/** How long one turn of re-reading changed clusters may hold the event loop, ms. */
const REREAD_SLICE_MS = 3;

/** Changed clusters read in one statement (a full report changes one cluster: 500 a second at scale). */
const REREAD_CHUNK = 50;

export interface ClusterStreamDeps {
  readonly source: ClusterSource;
  readonly rule: StaleRule;
  /** Epoch ms (the hub's clock). */
  readonly now: () => number;
  /** Injected for tests (a fake clock); Node timers otherwise. */
  readonly schedule?: Schedule;
  /** The id epoch (random per process unless told). */
  readonly epoch?: string;
  /** A monotonic clock, ms, for slicing the re-reads (performance.now unless told). */
  readonly elapsedMs?: () => number;
  /** A cluster could not be re-read (the caller logs it); its next change is read again. */
  readonly onError?: (error: unknown, cluster: string) => void;
}

export interface SubscribeRequest {
  /** Only clusters with every one of these labels. */
  readonly selector?: Readonly<Record<string, string>> | undefined;
  /** The Last-Event-ID the client sent, if any. */
  readonly lastEventId?: string | undefined;
}

export interface Subscription {
  /** The response body (text/event-stream). */
  readonly body: ReadableStream<Uint8Array>;
  /** How it starts: the events the client missed, or the full list. */
  readonly start: 'replay' | 'snapshot';
  /** Settles when the stream ends, with why; `dropped` means the caller should cut the connection. */
  readonly ended: Promise<EndReason>;
}

export interface ClusterStreamStats {
  readonly subscribers: number;
  /** Streams ended, by reason, since the start. */
  readonly ended: Readonly<Record<EndReason, number>>;
  /** The last event's seq. */
  readonly seq: number;
  readonly ringEvents: number;
  readonly ringBytes: number;
  /** Unsent events and their bytes, summed over the subscribers, and the largest one's bytes. */
  readonly queuedEvents: number;
  readonly queuedBytes: number;
  readonly largestQueueBytes: number;
}

export interface ClusterStream {
  /** These clusters may have changed (written, connected, disconnected): re-read them soon. */
  changed(clusters: Iterable<string>): void;
  subscribe(request: SubscribeRequest): Subscription;
  stats(): ClusterStreamStats;
  /** Ends every stream (cleanly: what is written stays written) and stops the timers. */
  close(): void;
}

function matcher(selector: Readonly<Record<string, string>> | undefined) {
  const pairs = Object.entries(selector ?? {});
  return (labels: Readonly<Record<string, string>>): boolean =>
    pairs.every(([key, value]) => labels[key] === value);
}

function entryOf(seq: number, change: ClusterChange): StreamEntry {
  const text =
    change.kind === 'changed'
      ? formatSseEvent({ event: 'cluster', data: JSON.stringify(change.cluster) })
      : formatSseEvent({ event: 'cluster-deleted', data: JSON.stringify({ name: change.name }) });
  const { name, labels } = change.kind === 'changed' ? change.cluster : change;
  const body = Buffer.from(text, 'utf8');
  return { seq, name, labels, body, bytes: body.length };
}

export function createClusterStream(
  deps: ClusterStreamDeps,
  options: ClusterStreamOptions = DEFAULT_CLUSTER_STREAM_OPTIONS,
): ClusterStream {
  const { source, now } = deps;
  const schedule = deps.schedule ?? nodeSchedule;
  const epoch = deps.epoch ?? newStreamEpoch();
  const elapsedMs = deps.elapsedMs ?? (() => performance.now());
  const detector = createChangeDetector();
  const ring = createRing<StreamEntry>({ maxEvents: options.ringEvents, maxBytes: options.ringBytes });
  const subscribers = new Set<Subscriber>();
  const ended: Record<EndReason, number> = { dropped: 0, closed: 0, cancelled: 0, failed: 0 };
  const dirty = new Set<string>();
  let pending: (() => void) | undefined;
  let closed = false;

  const staleTimer = createStaleTimer({
    rule: deps.rule,
    now,
    schedule,
    onDue: (clusters) => {
      stream.changed(clusters);
    },
  });
  const track = (cluster: ClusterJson): void => {
    const heard = cluster.lastHeardAt === null ? undefined : Date.parse(cluster.lastHeardAt);
    staleTimer.track(cluster.name, heard, cluster.stale);
  };

  const reread = (name: string, cluster: ClusterJson | undefined): void => {
    if (cluster === undefined) staleTimer.forget(name);
    else track(cluster);
    const change = detector.observe(name, cluster);
    if (change === undefined) return;
    const entry = entryOf(ring.lastSeq + 1, change);
    ring.push(entry);
    for (const subscriber of [...subscribers]) subscriber.offer(entry);
  };

  /** The oldest changes, at most REREAD_CHUNK, taken off the dirty set. */
  const takeChunk = (): string[] => {
    const names: string[] = [];
    for (const name of dirty) {
      if (names.length === REREAD_CHUNK) break;
      names.push(name);
    }
    for (const name of names) dirty.delete(name);
    return names;
  };

  // Re-reads the changed clusters, oldest change first, REREAD_CHUNK to a statement, for at most
  // REREAD_SLICE_MS at a time: after a reconnect storm all 10,000 changed at once, and reading them in
  // one go held the API's requests behind it (140 ms in a profile); the rest wait for the next turn.
  const flush = (): void => {
    pending = undefined;
    const until = elapsedMs() + REREAD_SLICE_MS;
    while (dirty.size > 0) {
      const names = takeChunk();
      let clusters: ReadonlyMap<string, ClusterJson> | undefined;
      try {
        clusters = source.readMany(names);
      } catch (error) {
        for (const name of names) deps.onError?.(error, name);
      }
      if (clusters !== undefined) {
        for (const name of names) {
          try {
            reread(name, clusters.get(name));
          } catch (error) {
            deps.onError?.(error, name);
          }
        }
      }
      if (elapsedMs() >= until) break;
    }
    if (dirty.size > 0 && !closed) pending = schedule(0, flush);
  };

  // What every cluster shows at the start: later changes are measured against it, and the stale timer
  // knows when each one was last heard (clusters silent since before a restart turn stale at the end
  // of the grace period, with nothing else to wake them).
  for (let after: string | undefined, more = true; more;) {
    const page = source.page(undefined, after, 500);
    for (const cluster of page.items) {
      detector.seed(cluster);
      track(cluster);
    }
    after = page.next;
    more = page.next !== undefined && page.items.length > 0;
  }

  const pinger = setInterval(() => {
    for (const subscriber of [...subscribers]) subscriber.ping();
  }, options.pingIntervalMs).unref();

  const stream: ClusterStream = {
    changed: (clusters) => {
      if (closed) return;
      for (const name of clusters) dirty.add(name);
      if (dirty.size > 0 && pending === undefined) {
        pending = schedule(0, flush);
      }
    },
    subscribe: (request) => {
      const fromSeq = ring.lastSeq;
      const seen = seqOfEventId(epoch, request.lastEventId);
      const missed = seen === undefined ? undefined : ring.after(seen);
      const selector = request.selector;
      const plan: StartPlan =
        missed === undefined
          ? {
              kind: 'snapshot',
              fromSeq,
              pages: (after) => source.page(selector, after, options.pageSize),
            }
          : { kind: 'replay', fromSeq, entries: missed };
      const subscriber = createSubscriber({
        plan,
        matches: matcher(selector),
        idOf: (seq) => formatEventId(epoch, seq),
        limits: { maxItems: options.queueEvents, maxBytes: options.queueBytes },
        chunkBytes: 64 * 1024,
        onEnd: (reason) => {
          subscribers.delete(subscriber);
          ended[reason] += 1;
        },
      });
      if (closed) subscriber.end('closed');
      else subscribers.add(subscriber);
      return { body: subscriber.body, start: plan.kind, ended: subscriber.ended };
    },
    stats: () => {
      const all = [...subscribers];
      return {
        subscribers: all.length,
        ended: { ...ended },
        seq: ring.lastSeq,
        ringEvents: ring.size,
        ringBytes: ring.bytes,
        queuedEvents: all.reduce((sum, s) => sum + s.queuedItems, 0),
        queuedBytes: all.reduce((sum, s) => sum + s.queuedBytes, 0),
        largestQueueBytes: Math.max(0, ...all.map((s) => s.queuedBytes)),
      };
    },
    close: () => {
      if (closed) return;
      closed = true;
      pending?.();
      pending = undefined;
      clearInterval(pinger);
      staleTimer.stop();
      for (const subscriber of [...subscribers]) subscriber.end('closed');
    },
  };
  return stream;
}
