// Group commit. Records from every connection wait in one queue and are written together, with one
// store.applyBatches call (one transaction) per flush; each connection hears what is stored only once
// the commit that holds its records is on the disk, so an ack never runs ahead of the disk: the commit
// itself does not wait for the disk, disk-acks.ts syncs and tells (in slices, in commit order).
// flushAll() (a reconnect's hello, shutdown) syncs at once instead and tells everyone before it returns.
//
// Flush policy: a flush starts flushIntervalMs after the first record enters an empty queue, or at once
// when flushMaxRecords are queued, or a commit's budget of work (or the queue is over a high-water
// mark); it takes at most flushMaxRecords and the budget, the oldest first (always at least one). The
// budget (flush-budget.ts) is in rows (a 200-resource snapshot weighs 230, a heartbeat 30) and follows
// how long commits take, so that one commit, which holds the event loop while it runs, stays near
// flushTargetMs whatever the agents send; the next flush waits for the loop to take its I/O first
// (setImmediate). Backpressure: above highWaterRecords records, highWaterBytes bytes of frames or
// highWaterWeight rows of work, onPressure(true) (the channel stops reading sockets); once the queue is
// below half of all three, onPressure(false).
//
// A cluster whose batch fails stores nothing of that flush; its records still queued are dropped too, so
// that no later commit moves the cluster's stored seq past the lost ones (a cumulative ack would then
// tell the agent to forget them). Its clients are told, and close: the agent reconnects and resends.
import type { Logger } from '@ferry/shared';
import type { AgentBatch, AgentRecord, BatchResult, Store } from '../store/index.ts';
import { createDiskAcks, DEFAULT_DELIVER_SLICE_MS } from './disk-acks.ts';
import { createFlushBudget, weightOf } from './flush-budget.ts';

export interface StoredOutcome {
  /** Everything of the client's epoch up to this seq is stored; 0 when this commit held none of it. */
  readonly seq: number;
  /** The store wants a full snapshot: a delta named a snapshot it does not hold, or one was abandoned. */
  readonly snapshotNeeded: boolean;
  readonly snapshotAbandoned: boolean;
  readonly snapshotCompleted: boolean;
}

export const QUEUE_FAILURES = ['unknown-cluster', 'failed'] as const;
export type QueueFailure = (typeof QUEUE_FAILURES)[number];

/** A connection, as the queue sees it. */
export interface QueueClient {
  readonly cluster: string;
  readonly epoch: string;
  stored(outcome: StoredOutcome): void;
  /** What this client queued and was not yet told stored never will be: it must reconnect and resend. */
  failed(failure: QueueFailure): void;
}

export interface CommitQueueOptions {
  readonly store: Pick<Store, 'applyBatches' | 'persist' | 'persistNow'>;
  readonly now: () => Date;
  readonly log: Logger;
  readonly flushIntervalMs: number;
  readonly flushMaxRecords: number;
  /** The most weight one commit takes (see above); DEFAULT_FLUSH_MAX_WEIGHT when not given. */
  readonly flushMaxWeight?: number;
  /** How long one commit should hold the event loop, ms; DEFAULT_FLUSH_TARGET_MS when not given. */
  readonly flushTargetMs?: number;
  readonly highWaterRecords: number;
  readonly highWaterBytes: number;
  /** Rows of work queued above which the channel stops reading; DEFAULT_HIGH_WATER_WEIGHT when not given. */
  readonly highWaterWeight?: number;
  /** true when the queue passes a high-water mark, false once it has drained below half of both. */
  readonly onPressure: (high: boolean) => void;
  /**
   * After each commit: the clusters whose batches it stored and whose view may have changed (the
   * store's viewChanged, or a record pushed with `heard` after a silence): for the live event stream.
   */
  readonly onCommitted?: (clusters: readonly string[]) => void;
  /** After each commit, whatever it stored: the queue may have room again (see `full`). */
  readonly onFlushed?: () => void;
  /** Clients are told of commits on the disk this long at a time, ms; DEFAULT_DELIVER_SLICE_MS when not given. */
  readonly deliverSliceMs?: number;
  /** The clock of those slices, ms (performance.now by default). */
  readonly clock?: () => number;
}

export interface CommitQueue {
  /**
   * Queues a record, or undefined for a frame that only says the cluster was heard from. `afterSilence`:
   * the frame ended a silence of the cluster, so its commit is told to onCommitted even when it changed
   * nothing else the fleet view shows (default true).
   */
  push(client: QueueClient, record: AgentRecord | undefined, bytes: number, afterSilence?: boolean): void;
  /** Whether anything of this cluster waits for a commit, or for its commit to reach the disk. */
  holds(cluster: string): boolean;
  /** Commits everything queued and syncs it to the disk, now, and tells every client (a reconnect's hello, shutdown). */
  flushAll(): void;
  readonly records: number;
  readonly bytes: number;
  /**
   * Two commits' worth of work (budgets) are queued: the next commit has all it takes and the one after
   * it too; more would only wait, parsed, on the heap. (One commit's worth made the reading of frames
   * and the commits take turns of the loop in turn, half the pace when the loop's I/O is heavy.)
   */
  readonly full: boolean;
  /** Cancels the pending flush; what is still queued stays unacked (flushAll first to keep it). */
  stop(): void;
}

interface Entry {
  readonly client: QueueClient;
  readonly record: AgentRecord | undefined;
  readonly bytes: number;
  readonly weight: number;
  readonly afterSilence: boolean;
}

/** Some 21 full snapshots of 200 resources, or 166 records without any: the most one commit takes. */
export const DEFAULT_FLUSH_MAX_WEIGHT = 5000;

/** A commit should hold the event loop about this long (the API waits behind it). */
export const DEFAULT_FLUSH_TARGET_MS = 5;

/**
 * Rows of work queued above which the hub stops reading agents: some 43 full snapshots or 333 records
 * without resources, about 12 ms of commits on the benchmark's machine (two commits' worth or more).
 * Reading more only makes frames wait, parsed and in memory (copied by every scavenge), while the event
 * loop is taken by reading them (see bench/RESULTS.md).
 */
export const DEFAULT_HIGH_WATER_WEIGHT = 10_000;

interface Group {
  readonly records: AgentRecord[];
  readonly clients: Set<QueueClient>;
  afterSilence: boolean;
}

export function createCommitQueue(options: CommitQueueOptions): CommitQueue {
  const { store, now, log, flushIntervalMs, flushMaxRecords, highWaterRecords, highWaterBytes } = options;
  const budget = createFlushBudget({
    maxWeight: options.flushMaxWeight ?? DEFAULT_FLUSH_MAX_WEIGHT,
    targetMs: options.flushTargetMs ?? DEFAULT_FLUSH_TARGET_MS,
  });
  const highWaterWeight = options.highWaterWeight ?? DEFAULT_HIGH_WATER_WEIGHT;
  const disk = createDiskAcks({
    store,
    log,
    deliverSliceMs: options.deliverSliceMs ?? DEFAULT_DELIVER_SLICE_MS,
    clock: options.clock ?? (() => performance.now()),
  });
  let queue: Entry[] = [];
  let bytes = 0;
  let weight = 0;
  /**
   * Entries queued per cluster, so that holds() does not scan the queue (a reconnect storm asks it per
   * hello). A count that falls to 0 stays, as 0: deleting and adding back thousands of keys a second
   * made the Map rebuild its table over and over, each new table kept (and promoted) until the next.
   */
  const perCluster = new Map<string, number>();
  const counted = (entry: Entry, delta: 1 | -1): void => {
    const { cluster } = entry.client;
    perCluster.set(cluster, (perCluster.get(cluster) ?? 0) + delta);
    bytes += delta * entry.bytes;
    weight += delta * entry.weight;
  };
  let high = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  const checkPressure = (): void => {
    const over = queue.length > highWaterRecords || bytes > highWaterBytes || weight > highWaterWeight;
    const under =
      queue.length <= highWaterRecords / 2 && bytes <= highWaterBytes / 2 && weight <= highWaterWeight / 2;
    if (!high && over) {
      high = true;
      options.onPressure(true);
    } else if (high && under) {
      high = false;
      options.onPressure(false);
    }
  };

  const schedule = (): void => {
    if (stopped || queue.length === 0 || immediate !== undefined) return;
    if (queue.length >= flushMaxRecords || weight >= budget.weight || high) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      immediate = setImmediate(run);
    } else {
      timer ??= setTimeout(run, flushIntervalMs);
    }
  };

  function run(): void {
    timer = undefined;
    immediate = undefined;
    flushOnce();
    schedule();
  }

  /** Drops what is queued for a cluster whose batch failed, and tells every client concerned. */
  const dropCluster = (cluster: string, clients: Set<QueueClient>, failure: QueueFailure): void => {
    const kept: Entry[] = [];
    for (const entry of queue) {
      if (entry.client.cluster === cluster) {
        clients.add(entry.client);
        counted(entry, -1);
      } else {
        kept.push(entry);
      }
    }
    queue = kept;
    for (const client of clients) client.failed(failure);
  };

  const commit = (batches: AgentBatch[]): BatchResult[] => {
    try {
      return store.applyBatches(batches, now(), { durable: false });
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      return batches.map(({ cluster }) => ({ ok: false, cluster, reason: 'failed', error: cause }));
    }
  };

  /** A failed batch is told at once (nothing of it is stored, there is nothing to wait for). */
  const refuse = (result: Exclude<BatchResult, { ok: true }>, group: Group): void => {
    const failure: QueueFailure = result.reason;
    const fields = { cluster: result.cluster, records: group.records.length };
    if (result.reason === 'failed') {
      log.error('could not store an agent batch', { ...fields, error: result.error });
    } else {
      log.warn('dropped an agent batch: the cluster no longer exists', fields);
    }
    dropCluster(result.cluster, group.clients, failure);
  };

  function flushOnce(syncNow = false): void {
    if (queue.length === 0) return;
    let count = 0;
    let taking = 0;
    for (const entry of queue) {
      if (count > 0 && (count >= flushMaxRecords || taking + entry.weight > budget.weight)) break;
      count += 1;
      taking += entry.weight;
    }
    const taken = queue.slice(0, count);
    queue = queue.slice(count);
    const groups = new Map<string, Group>();
    for (const entry of taken) {
      counted(entry, -1);
      const { cluster } = entry.client;
      let group = groups.get(cluster);
      if (group === undefined) {
        group = { records: [], clients: new Set(), afterSilence: false };
        groups.set(cluster, group);
      }
      group.afterSilence ||= entry.afterSilence;
      if (entry.record !== undefined) group.records.push(entry.record);
      group.clients.add(entry.client);
    }
    const batches = [...groups].map(([cluster, group]) => ({ cluster, records: group.records }));
    const started = performance.now();
    const results = commit(batches);
    budget.observe(taking, performance.now() - started);
    const storedClients = new Map<string, ReadonlySet<QueueClient>>();
    const changed: string[] = [];
    results.forEach((result, index) => {
      const group = groups.get(batches[index]?.cluster ?? result.cluster);
      if (group === undefined) return;
      if (!result.ok) {
        refuse(result, group);
        return;
      }
      storedClients.set(result.cluster, group.clients);
      if (result.viewChanged || group.afterSilence) changed.push(result.cluster);
    });
    if (storedClients.size > 0) {
      const id = disk.add(
        results.filter((r) => r.ok),
        storedClients,
      );
      if (!syncNow) disk.syncLater(id);
      // Readers see a commit at once: the live stream re-reads these clusters now.
      if (changed.length > 0) options.onCommitted?.(changed);
    }
    checkPressure();
    options.onFlushed?.();
  }

  return {
    push: (client, record, size, afterSilence = true) => {
      const entry = { client, record, bytes: size, weight: weightOf(record), afterSilence };
      queue.push(entry);
      counted(entry, 1);
      checkPressure();
      schedule();
    },
    holds: (cluster) => (perCluster.get(cluster) ?? 0) > 0 || disk.holds(cluster),
    flushAll: () => {
      while (queue.length > 0) flushOnce(true);
      disk.syncNow();
    },
    get records() {
      return queue.length;
    },
    get bytes() {
      return bytes;
    },
    get full() {
      return weight >= 2 * budget.weight;
    },
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      if (immediate !== undefined) clearImmediate(immediate);
      timer = undefined;
      immediate = undefined;
      disk.stop();
    },
  };
}
