// Group commit. Records from every connection wait in one queue and are written together, with one
// store.applyBatches call (one transaction, one fsync) per flush; each connection hears what is stored
// only after the commit that holds its records, so an ack never runs ahead of the disk.
//
// Flush policy: a flush starts flushIntervalMs after the first record enters an empty queue, or at once
// when flushMaxRecords are queued (or the queue is over a high-water mark); it takes at most
// flushMaxRecords, the oldest first. Backpressure: above highWaterRecords records or highWaterBytes bytes
// of frames, onPressure(true) (the channel stops reading sockets); once the queue is below half of both,
// onPressure(false).
//
// A cluster whose batch fails stores nothing of that flush; its records still queued are dropped too, so
// that no later commit moves the cluster's stored seq past the lost ones (a cumulative ack would then
// tell the agent to forget them). Its clients are told, and close: the agent reconnects and resends.
import type { Logger } from '@ferry/shared';
import type { AgentBatch, AgentRecord, BatchResult, Store } from '../store/index.ts';

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
  readonly store: Pick<Store, 'applyBatches'>;
  readonly now: () => Date;
  readonly log: Logger;
  readonly flushIntervalMs: number;
  readonly flushMaxRecords: number;
  readonly highWaterRecords: number;
  readonly highWaterBytes: number;
  /** true when the queue passes a high-water mark, false once it has drained below half of both. */
  readonly onPressure: (high: boolean) => void;
  /** After each commit: the clusters whose batches it stored (for the live event stream). */
  readonly onCommitted?: (clusters: readonly string[]) => void;
}

export interface CommitQueue {
  /** Queues a record, or undefined for a frame that only says the cluster was heard from. */
  push(client: QueueClient, record: AgentRecord | undefined, bytes: number): void;
  /** Whether anything of this cluster waits for a commit. */
  holds(cluster: string): boolean;
  /** Commits everything queued, now (a reconnect's hello, shutdown). */
  flushAll(): void;
  readonly records: number;
  readonly bytes: number;
  /** Cancels the pending flush; what is still queued stays unacked (flushAll first to keep it). */
  stop(): void;
}

interface Entry {
  readonly client: QueueClient;
  readonly record: AgentRecord | undefined;
  readonly bytes: number;
}

interface Group {
  readonly records: AgentRecord[];
  readonly clients: Set<QueueClient>;
}

export function createCommitQueue(options: CommitQueueOptions): CommitQueue {
  const { store, now, log, flushIntervalMs, flushMaxRecords, highWaterRecords, highWaterBytes } = options;
  let queue: Entry[] = [];
  let bytes = 0;
  let high = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  const checkPressure = (): void => {
    const over = queue.length > highWaterRecords || bytes > highWaterBytes;
    const under = queue.length <= highWaterRecords / 2 && bytes <= highWaterBytes / 2;
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
    if (queue.length >= flushMaxRecords || high) {
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
        bytes -= entry.bytes;
      } else {
        kept.push(entry);
      }
    }
    queue = kept;
    for (const client of clients) client.failed(failure);
  };

  const commit = (batches: AgentBatch[]): BatchResult[] => {
    try {
      return store.applyBatches(batches, now());
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      return batches.map(({ cluster }) => ({ ok: false, cluster, reason: 'failed', error: cause }));
    }
  };

  const deliver = (result: BatchResult, group: Group): void => {
    if (!result.ok) {
      const failure: QueueFailure = result.reason;
      const fields = { cluster: result.cluster, records: group.records.length };
      if (result.reason === 'failed') {
        log.error('could not store an agent batch', { ...fields, error: result.error });
      } else {
        log.warn('dropped an agent batch: the cluster no longer exists', fields);
      }
      dropCluster(result.cluster, group.clients, failure);
      return;
    }
    for (const client of group.clients) {
      client.stored({
        seq: result.acks.find((ack) => ack.epoch === client.epoch)?.seq ?? 0,
        snapshotNeeded: result.snapshotNeeded,
        snapshotAbandoned: result.abandonedSnapshots.length > 0,
        snapshotCompleted: result.completedSnapshots.length > 0,
      });
    }
  };

  function flushOnce(): void {
    if (queue.length === 0) return;
    const taken = queue.slice(0, flushMaxRecords);
    queue = queue.slice(taken.length);
    const groups = new Map<string, Group>();
    for (const entry of taken) {
      bytes -= entry.bytes;
      const { cluster } = entry.client;
      let group = groups.get(cluster);
      if (group === undefined) {
        group = { records: [], clients: new Set() };
        groups.set(cluster, group);
      }
      if (entry.record !== undefined) group.records.push(entry.record);
      group.clients.add(entry.client);
    }
    const batches = [...groups].map(([cluster, group]) => ({ cluster, records: group.records }));
    const results = commit(batches);
    results.forEach((result, index) => {
      const group = groups.get(batches[index]?.cluster ?? result.cluster);
      if (group !== undefined) deliver(result, group);
    });
    const stored = results.flatMap((result) => (result.ok ? [result.cluster] : []));
    if (stored.length > 0) options.onCommitted?.(stored);
    checkPressure();
  }

  return {
    push: (client, record, size) => {
      queue.push({ client, record, bytes: size });
      bytes += size;
      checkPressure();
      schedule();
    },
    holds: (cluster) => queue.some((entry) => entry.client.cluster === cluster),
    flushAll: () => {
      while (queue.length > 0) flushOnce();
    },
    get records() {
      return queue.length;
    },
    get bytes() {
      return bytes;
    },
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      if (immediate !== undefined) clearImmediate(immediate);
      timer = undefined;
      immediate = undefined;
    },
  };
}
