// Sync history: one row per sync the agent reports, unique on (cluster, sync id), the newest N kept per
// cluster. Storing a sync also moves the cluster's current sync summary, unless a newer sync is there.
import type { HealthStatus } from '@ferry/shared';
import {
  clusterIdOf,
  dateOrUndefined,
  ms,
  msOrNull,
  orNull,
  orUndefined,
  type StoreContext,
} from './context.ts';
import { checkLimit, decodeCursor, pageOf } from './cursor.ts';
import type { Db } from './sqlite.ts';
import type { Page, SyncError, SyncRecord, SyncResult } from './types.ts';

export interface HistoryQuery {
  readonly limit: number;
  /** A cursor from a previous page's `next`: the page continues with older syncs. */
  readonly before?: string;
}

export interface HistoryMethods {
  /** The cluster's syncs, newest first; an empty page for an unknown cluster. */
  history(cluster: string, query: HistoryQuery): Page<SyncRecord>;
}

interface SyncRow {
  id: number;
  sync_id: string;
  revision: string | null;
  commit_time: number | null;
  started_at: number;
  duration_ms: number;
  result: SyncResult;
  health_status: HealthStatus;
  health_message: string;
  counts: string;
  errors: string;
}

/** Stores a sync; false when (cluster, sync id) is already stored. */
export function storeSync(db: Db, clusterId: number, sync: SyncRecord): boolean {
  const inserted = db
    .prepare(
      `INSERT INTO syncs (cluster_id, sync_id, revision, commit_time, started_at, duration_ms, result,
         health_status, health_message, counts, errors)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cluster_id, sync_id) DO NOTHING`,
    )
    .run(
      clusterId,
      sync.syncId,
      orNull(sync.revision),
      msOrNull(sync.commitTime),
      ms(sync.startedAt),
      sync.durationMs,
      sync.result,
      sync.health.status,
      sync.health.message,
      JSON.stringify(sync.counts),
      JSON.stringify(sync.errors),
    );
  if (inserted.changes === 0) return false;
  const applied = sync.result === 'applied';
  db.prepare(
    `UPDATE clusters SET sync_id = ?, sync_revision = ?, sync_result = ?, sync_commit_time = ?,
       sync_started_at = ?, health_status = ?, health_message = ?,
       applied_revision = CASE WHEN ? THEN ? ELSE applied_revision END,
       last_applied_at = CASE WHEN ? AND applied_revision IS NOT ? THEN ? ELSE last_applied_at END
     WHERE id = ? AND (sync_started_at IS NULL OR sync_started_at <= ?)`,
  ).run(
    sync.syncId,
    orNull(sync.revision),
    sync.result,
    msOrNull(sync.commitTime),
    ms(sync.startedAt),
    sync.health.status,
    sync.health.message,
    applied ? 1 : 0,
    orNull(sync.revision),
    applied ? 1 : 0,
    // A later sync of the same revision (the interval's) leaves the time it was first applied alone.
    orNull(sync.revision),
    ms(sync.startedAt) + sync.durationMs,
    clusterId,
    ms(sync.startedAt),
  );
  return true;
}

/** Keeps the newest `keep` syncs of a cluster (by start time). */
export function pruneHistory(db: Db, clusterId: number, keep: number): void {
  db.prepare(
    `DELETE FROM syncs WHERE id IN (SELECT id FROM syncs WHERE cluster_id = ?
       ORDER BY started_at DESC, id DESC LIMIT -1 OFFSET ?)`,
  ).run(clusterId, keep);
}

function toSync(row: SyncRow): SyncRecord {
  return {
    syncId: row.sync_id,
    revision: orUndefined(row.revision),
    commitTime: dateOrUndefined(row.commit_time),
    startedAt: new Date(row.started_at),
    durationMs: row.duration_ms,
    result: row.result,
    health: { status: row.health_status, message: row.health_message },
    counts: JSON.parse(row.counts) as Record<string, number>,
    errors: JSON.parse(row.errors) as SyncError[],
  };
}

export function historyMethods({ db }: StoreContext): HistoryMethods {
  return {
    history: (cluster, query) => {
      const limit = checkLimit(query.limit);
      const clusterId = clusterIdOf(db, cluster);
      if (clusterId === undefined) return { items: [] };
      const [startedAt, id] =
        query.before === undefined
          ? [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
          : decodeCursor(query.before, ['number', 'number']);
      const rows = db
        .prepare<SyncRow>(
          `SELECT id, sync_id, revision, commit_time, started_at, duration_ms, result, health_status,
             health_message, counts, errors
           FROM syncs WHERE cluster_id = ? AND (started_at, id) < (?, ?)
           ORDER BY started_at DESC, id DESC LIMIT ?`,
        )
        .all(clusterId, Number(startedAt), Number(id), limit + 1);
      return pageOf(rows, limit, toSync, (row) => [row.started_at, row.id]);
    },
  };
}
