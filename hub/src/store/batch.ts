// Storing what agents send: one transaction per call, holding any number of agents' batches (group
// commit). Within a cluster each record is stored exactly once, by (epoch, seq); what the call returns
// per epoch is the highest seq now stored, which is what the hub may acknowledge once this returns.
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import { pruneDrift, storeDrift } from './drift.ts';
import { advanceEpoch, epochSeq } from './epochs.ts';
import { pruneEvents, storeEvent } from './events.ts';
import { markHeardAt } from './heard.ts';
import { pruneHistory, storeSync } from './history.ts';
import { storeReadiness } from './readiness.ts';
import { forgetRowDigests } from './row-digests.ts';
import { storeDelta } from './resources.ts';
import { storeChunk } from './snapshots.ts';
import type { Db } from './sqlite.ts';
import type { AgentRecord } from './types.ts';

export interface AgentBatch {
  readonly cluster: string;
  /** Records in the order the agent sent them: seqs increase within an epoch. */
  readonly records: readonly AgentRecord[];
}

export interface EpochAck {
  readonly epoch: string;
  /** Everything up to this seq is stored. */
  readonly seq: number;
}

export type BatchResult =
  | {
      readonly ok: true;
      readonly cluster: string;
      /** Per epoch seen in the batch: the highest seq stored. */
      readonly acks: readonly EpochAck[];
      readonly stored: number;
      /** Records already stored before (a resend): acknowledged again, not stored twice. */
      readonly duplicates: number;
      /** Snapshots whose last chunk arrived: the stored resources now come from them. */
      readonly completedSnapshots: readonly string[];
      /** Snapshots abandoned on a chunk out of order. */
      readonly abandonedSnapshots: readonly string[];
      /** The hub should ask for a full snapshot: one was abandoned, or a delta named one not held. */
      readonly snapshotNeeded: boolean;
      /**
       * What the fleet view shows of the cluster may have changed: a record other than a snapshot chunk
       * or a delta was stored, or one of those moved the resources of a cluster with a recovery (its
       * objects back). False when the batch only moved lastHeardAt and the resources.
       */
      readonly viewChanged: boolean;
    }
  | { readonly ok: false; readonly cluster: string; readonly reason: 'unknown-cluster' }
  /** Nothing of this batch was stored (the others in the call were); `error` says why. */
  | { readonly ok: false; readonly cluster: string; readonly reason: 'failed'; readonly error: Error };

export interface ApplyOptions {
  /**
   * false: the commit does not wait for the disk; nothing of it may be acknowledged before a later
   * store.persist() has resolved (the channel's group commit does so, off the event loop). Default true.
   */
  readonly durable?: boolean;
}

export interface BatchMethods {
  applyAgentBatch(cluster: string, records: readonly AgentRecord[], now: Date): BatchResult;
  /** Many clusters' batches in one transaction: one commit, one fsync, for all of them. */
  applyBatches(batches: readonly AgentBatch[], now: Date, options?: ApplyOptions): BatchResult[];
}

interface Outcome {
  stored: number;
  duplicates: number;
  completedSnapshots: string[];
  abandonedSnapshots: string[];
  snapshotNeeded: boolean;
  touched: Set<'sync' | 'event' | 'drift'>;
}

function storeRecord(db: Db, clusterId: number, record: AgentRecord, now: Date, outcome: Outcome): void {
  switch (record.type) {
    case 'heartbeat':
      if (record.health !== undefined) {
        db.prepare('UPDATE clusters SET health_status = ?, health_message = ? WHERE id = ?').run(
          record.health.status,
          record.health.message,
          clusterId,
        );
      }
      return;
    case 'sync':
      if (storeSync(db, clusterId, record.sync)) outcome.touched.add('sync');
      return;
    case 'snapshot-chunk': {
      const result = storeChunk(db, clusterId, record.chunk, now);
      if (result === 'completed') outcome.completedSnapshots.push(record.chunk.snapshotId);
      if (result === 'out-of-order') {
        outcome.abandonedSnapshots.push(record.chunk.snapshotId);
        outcome.snapshotNeeded = true;
      }
      return;
    }
    case 'resource-delta':
      if (!storeDelta(db, clusterId, record.delta)) outcome.snapshotNeeded = true;
      return;
    case 'drift':
      storeDrift(db, clusterId, record.drift);
      outcome.touched.add('drift');
      return;
    case 'event':
      storeEvent(db, clusterId, record.event);
      outcome.touched.add('event');
      return;
    case 'readiness':
      storeReadiness(db, clusterId, record.readiness);
      return;
  }
}

/** The fleet view counts a recovering (or recovered) cluster's objects back from its resources. */
function hasRecovery(db: Db, clusterId: number): boolean {
  return (
    db.prepare('SELECT 1 FROM clusters WHERE id = ? AND recovery_started_at IS NOT NULL').get(clusterId) !==
    undefined
  );
}

export function batchMethods({ db, limits }: StoreContext): BatchMethods {
  const applyOne = (batch: AgentBatch, now: Date): BatchResult => {
    const { cluster } = batch;
    const clusterId = clusterIdOf(db, cluster);
    if (clusterId === undefined) return { ok: false, cluster, reason: 'unknown-cluster' };
    const outcome: Outcome = {
      stored: 0,
      duplicates: 0,
      completedSnapshots: [],
      abandonedSnapshots: [],
      snapshotNeeded: false,
      touched: new Set(),
    };
    const high = new Map<string, number>();
    let viewChanged = false;
    let resourcesMoved = false;
    for (const record of batch.records) {
      const last =
        high.get(record.epoch) ?? epochSeq(db, clusterId, record.epoch, now, limits.epochsPerCluster);
      high.set(record.epoch, last);
      if (record.seq <= last) {
        outcome.duplicates += 1;
        continue;
      }
      storeRecord(db, clusterId, record, now, outcome);
      high.set(record.epoch, record.seq);
      outcome.stored += 1;
      if (record.type === 'snapshot-chunk' || record.type === 'resource-delta') resourcesMoved = true;
      else viewChanged = true;
    }
    if (!viewChanged && resourcesMoved) viewChanged = hasRecovery(db, clusterId);
    for (const [epoch, seq] of high) advanceEpoch(db, clusterId, epoch, seq);
    if (outcome.touched.has('sync')) pruneHistory(db, clusterId, limits.historyPerCluster);
    if (outcome.touched.has('event')) pruneEvents(db, clusterId, limits.eventsPerCluster);
    if (outcome.touched.has('drift')) pruneDrift(db, clusterId, limits.driftPerCluster);
    markHeardAt(db, clusterId, ms(now));
    return {
      ok: true,
      cluster,
      acks: [...high].map(([epoch, seq]) => ({ epoch, seq })),
      stored: outcome.stored,
      duplicates: outcome.duplicates,
      completedSnapshots: outcome.completedSnapshots,
      abandonedSnapshots: outcome.abandonedSnapshots,
      snapshotNeeded: outcome.snapshotNeeded,
      viewChanged,
    };
  };

  // What is rolled back leaves the resource digests (row-digests.ts) naming rows that are not stored:
  // a failure forgets them all (rare; the next snapshot of each cluster reads its rows once).
  const applyBatches = (
    batches: readonly AgentBatch[],
    now: Date,
    options: ApplyOptions = {},
  ): BatchResult[] => {
    try {
      return db.transaction(
        () =>
          batches.map((batch) => {
            try {
              // A savepoint per batch: a batch that fails leaves the others in this commit.
              return db.transaction(() => applyOne(batch, now));
            } catch (error) {
              forgetRowDigests(db);
              const cause = error instanceof Error ? error : new Error(String(error));
              return { ok: false, cluster: batch.cluster, reason: 'failed', error: cause };
            }
          }),
        { durable: options.durable !== false },
      );
    } catch (error) {
      forgetRowDigests(db);
      throw error;
    }
  };

  return {
    applyAgentBatch: (cluster, records, now) => {
      const [result] = applyBatches([{ cluster, records }], now);
      if (result === undefined) throw new Error('applyBatches returned no result for one batch');
      return result;
    },
    applyBatches,
  };
}
