// The commits that wait for the disk, and telling their clients (commit-queue.ts commits; this module
// acks). A commit does not wait for the disk: syncLater() syncs the WAL on libuv's thread pool while the
// event loop goes on, and one sync vouches for every commit made before it. Their clients are then told,
// in commit order, a few ms of the loop at a time (after a slow sync, thousands of acks, each a socket
// write). A sync that fails makes the clients of its commits reconnect and resend; syncNow() (a
// reconnect's hello, shutdown) syncs at once and tells everyone before it returns.
import type { Logger } from '@ferry/shared';
import type { BatchResult, Store } from '../store/index.ts';
import type { QueueClient, StoredOutcome } from './commit-queue.ts';

/** Telling clients that their commits are on the disk holds the loop this long at a time, ms. */
export const DEFAULT_DELIVER_SLICE_MS = 3;

export interface DiskAcksOptions {
  readonly store: Pick<Store, 'persist' | 'persistNow'>;
  readonly log: Logger;
  /** How long one slice of telling may run, ms. */
  readonly deliverSliceMs: number;
  /** The clock of those slices, ms. */
  readonly clock: () => number;
}

export interface DiskAcks {
  /** A commit was made: the clients of its stored batches wait for the disk. Returns its id. */
  add(results: readonly BatchResult[], clients: ReadonlyMap<string, ReadonlySet<QueueClient>>): number;
  /** Syncs the WAL off the loop, then tells the clients of the commits up to `id` (or fails them). */
  syncLater(id: number): void;
  /** Syncs the disk now and tells every client of every commit made so far. */
  syncNow(): void;
  /** Whether a commit of this cluster waits for the disk, or its clients for their turn to be told. */
  holds(cluster: string): boolean;
  /** No more slices later (what is not yet told stays so). */
  stop(): void;
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

function outcomeOf(result: Extract<BatchResult, { ok: true }>, client: QueueClient): StoredOutcome {
  return {
    seq: result.acks.find((ack) => ack.epoch === client.epoch)?.seq ?? 0,
    snapshotNeeded: result.snapshotNeeded,
    snapshotAbandoned: result.abandonedSnapshots.length > 0,
    snapshotCompleted: result.completedSnapshots.length > 0,
  };
}

export function createDiskAcks(options: DiskAcksOptions): DiskAcks {
  const { store, log, deliverSliceMs, clock } = options;
  /** Committed, not yet told, oldest first; and how many of them hold each cluster. */
  const awaiting: Committed[] = [];
  const awaitingPerCluster = new Map<string, number>();
  let lastId = 0;
  /** Commits up to this id are on the disk; their clients are told from the oldest, in slices. */
  let onDiskUpTo = 0;
  /** How many results of the oldest awaiting commit were told already (a slice ended inside it). */
  let toldResults = 0;
  let telling: NodeJS.Immediate | undefined;
  let stopped = false;

  const countAwaiting = (committed: Committed, delta: 1 | -1): void => {
    for (const cluster of committed.clients.keys()) {
      // A count that falls to 0 stays, as 0 (the commit queue's per-cluster count says why).
      awaitingPerCluster.set(cluster, (awaitingPerCluster.get(cluster) ?? 0) + delta);
    }
  };

  /**
   * Tells the clients of the commits on the disk what they stored, oldest first, until `until` (clock
   * time; Infinity: all of them now).
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

  return {
    add: (results, clients) => {
      lastId += 1;
      const committed: Committed = { id: lastId, results, clients };
      awaiting.push(committed);
      countAwaiting(committed, 1);
      return lastId;
    },
    // The callbacks hold only `id`, not the caller's scope that holds the commit's records.
    syncLater: (id) => {
      store.persist().then(
        () => {
          onDisk(id);
        },
        (error: unknown) => {
          failUpTo(id, error);
        },
      );
    },
    syncNow: () => {
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
    },
    holds: (cluster) => (awaitingPerCluster.get(cluster) ?? 0) > 0,
    stop: () => {
      stopped = true;
      if (telling !== undefined) clearImmediate(telling);
      telling = undefined;
    },
  };
}
