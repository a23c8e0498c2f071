// Group commit. Records from every connection wait in one queue and are written together, with one
// store.applyBatches call (one transaction) per flush; each connection hears what is stored only once
// the commit that holds its records is on the disk, so an ack never runs ahead of the disk. The commit
// itself does not wait for the disk: store.persist() syncs the WAL on libuv's thread pool while the
// event loop goes on (reading frames, answering the API, the next commit), and the acks of every commit
// made before that sync go out when it is done, in commit order, a few ms of the loop at a time (after a
// slow sync, thousands of them). flushAll() (a reconnect's hello,
// shutdown) syncs at once instead (store.persistNow()) and tells everyone before it returns.
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

/** Telling clients that their commits are on the disk holds the loop this long at a time, ms. */
export const DEFAULT_DELIVER_SLICE_MS = 3;

/** A commit should hold the event loop about this long (the API waits behind it). */
export const DEFAULT_FLUSH_TARGET_MS = 5;

/**
 * Rows of work queued above which the hub stops reading agents: some 43 full snapshots or 333 records
 * without resources, about 12 ms of commits on the benchmark's machine (two commits' worth or more).
 * Reading more only makes frames wait, parsed and in memory (copied by every scavenge), while the event
 * loop is taken by reading them (see bench/RESULTS.md).
 */
export const DEFAULT_HIGH_WATER_WEIGHT = 10_000;

function outcomeOf(result: Extract<BatchResult, { ok: true }>, client: QueueClient): StoredOutcome {
  return {
    seq: result.acks.find((ack) => ack.epoch === client.epoch)?.seq ?? 0,
    snapshotNeeded: result.snapshotNeeded,
    snapshotAbandoned: result.abandonedSnapshots.length > 0,
    snapshotCompleted: result.completedSnapshots.length > 0,
  };
}

interface Group {
  readonly records: AgentRecord[];
  readonly clients: Set<QueueClient>;
  afterSilence: boolean;
}

/**
 * A commit whose outcomes wait for the disk: the clients to tell, per cluster. Not the records: a
 * commit's parsed snapshots would live on through the sync (and through every scavenge meanwhile).
 */
interface Committed {
  readonly id: number;
  readonly results: readonly BatchResult[];
  readonly clients: ReadonlyMap<string, ReadonlySet<QueueClient>>;
}

export function createCommitQueue(options: CommitQueueOptions): CommitQueue {
  const { store, now, log, flushIntervalMs, flushMaxRecords, highWaterRecords, highWaterBytes } = options;
  const budget = createFlushBudget({
    maxWeight: options.flushMaxWeight ?? DEFAULT_FLUSH_MAX_WEIGHT,
    targetMs: options.flushTargetMs ?? DEFAULT_FLUSH_TARGET_MS,
  });
  const highWaterWeight = options.highWaterWeight ?? DEFAULT_HIGH_WATER_WEIGHT;
  const deliverSliceMs = options.deliverSliceMs ?? DEFAULT_DELIVER_SLICE_MS;
  const clock = options.clock ?? (() => performance.now());
  let queue: Entry[] = [];
  let bytes = 0;
  let weight = 0;
  /** Entries queued per cluster, so that holds() does not scan the queue (a reconnect storm asks it per hello). */
  const perCluster = new Map<string, number>();
  const counted = (entry: Entry, delta: 1 | -1): void => {
    const { cluster } = entry.client;
    const count = (perCluster.get(cluster) ?? 0) + delta;
    if (count > 0) perCluster.set(cluster, count);
    else perCluster.delete(cluster);
    bytes += delta * entry.bytes;
    weight += delta * entry.weight;
  };
  /** Committed, not yet known to be on the disk, oldest first; and how many of them hold each cluster. */
  const awaiting: Committed[] = [];
  const awaitingPerCluster = new Map<string, number>();
  let lastId = 0;
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

  const countAwaiting = (committed: Committed, delta: 1 | -1): void => {
    for (const cluster of committed.clients.keys()) {
      const count = (awaitingPerCluster.get(cluster) ?? 0) + delta;
      if (count > 0) awaitingPerCluster.set(cluster, count);
      else awaitingPerCluster.delete(cluster);
    }
  };

  /** Commits up to this id are on the disk; their clients are told from the oldest, in slices. */
  let onDiskUpTo = 0;
  /** How many results of the oldest awaiting commit were told already (a slice ended inside it). */
  let toldResults = 0;
  let telling: NodeJS.Immediate | undefined;

  /**
   * Tells the clients of the commits on the disk what they stored, oldest first, until `until` (clock
   * time; Infinity: all of them now). A sync that took a while vouches for every commit made meanwhile:
   * thousands of acks, each a socket write, are tens of ms of the loop when sent in one go.
   */
  const tellOnDisk = (until: number): void => {
    // One client's results or one finished commit a step; the state is read afresh at each step (the
    // oldest commit, how many of its results were told), so a client that calls back in finds it whole.
    for (;;) {
      const committed = awaiting[0];
      if (committed === undefined || committed.id > onDiskUpTo) return;
      const result = committed.results[toldResults];
      if (result === undefined) {
        awaiting.shift();
        toldResults = 0;
        countAwaiting(committed, -1);
      } else {
        toldResults += 1;
        const clients = committed.clients.get(result.cluster);
        if (result.ok && clients !== undefined)
          for (const client of clients) client.stored(outcomeOf(result, client));
      }
      if (clock() >= until) {
        const next = awaiting[0];
        if (next !== undefined && next.id <= onDiskUpTo) tellLater();
        return;
      }
    }
  };

  const tellLater = (): void => {
    if (telling !== undefined || stopped) return;
    telling = setImmediate(() => {
      telling = undefined;
      tellOnDisk(clock() + deliverSliceMs);
    });
  };

  /** The commits up to `id` are on the disk: their clients are told, in slices. */
  const onDisk = (id: number): void => {
    onDiskUpTo = Math.max(onDiskUpTo, id);
    if (telling === undefined) tellOnDisk(clock() + deliverSliceMs);
  };

  /** The disk refused: what the commits up to `id` stored may not be there; their clients reconnect and resend. */
  const failUpTo = (id: number, error: unknown): void => {
    log.error('could not sync committed agent records to the disk', { error });
    // What an earlier sync vouched for is told first: those clients' records are on the disk.
    tellOnDisk(Infinity);
    while (awaiting.length > 0 && (awaiting[0]?.id ?? Infinity) <= id) {
      const committed = awaiting.shift();
      if (committed === undefined) break;
      countAwaiting(committed, -1);
      for (const clients of committed.clients.values()) for (const client of clients) client.failed('failed');
    }
  };

  /**
   * Syncs the WAL off the loop, then tells the clients of the commits up to `id`. Out of flushOnce, so
   * that the callbacks hold only `id`, not the closure scope that holds the commit's records.
   */
  const deliverOnceOnDisk = (id: number): void => {
    store.persist().then(
      () => {
        onDisk(id);
      },
      (error: unknown) => {
        failUpTo(id, error);
      },
    );
  };

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
      lastId += 1;
      const committed: Committed = {
        id: lastId,
        results: results.filter((r) => r.ok),
        clients: storedClients,
      };
      awaiting.push(committed);
      countAwaiting(committed, 1);
      if (!syncNow) deliverOnceOnDisk(committed.id);
      // Readers see a commit at once: the live stream re-reads these clusters now.
      if (changed.length > 0) options.onCommitted?.(changed);
    }
    checkPressure();
    options.onFlushed?.();
  }

  /** Syncs the disk now and tells every client of every commit made so far. */
  const persistAll = (): void => {
    if (awaiting.length === 0) return;
    const id = lastId;
    try {
      store.persistNow();
    } catch (error) {
      failUpTo(id, error);
      return;
    }
    onDiskUpTo = Math.max(onDiskUpTo, id);
    tellOnDisk(Infinity);
  };

  return {
    push: (client, record, size, afterSilence = true) => {
      const entry = { client, record, bytes: size, weight: weightOf(record), afterSilence };
      queue.push(entry);
      counted(entry, 1);
      checkPressure();
      schedule();
    },
    holds: (cluster) => perCluster.has(cluster) || awaitingPerCluster.has(cluster),
    flushAll: () => {
      while (queue.length > 0) flushOnce(true);
      persistAll();
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
      if (telling !== undefined) clearImmediate(telling);
      timer = undefined;
      immediate = undefined;
      telling = undefined;
    },
  };
}
