// The latest resources per cluster: a full snapshot (snapshots.ts) moved on by deltas, queried with
// filters and a cursor in key order.
import type { HealthStatus } from '@ferry/shared';
import { clusterIdOf, flag, type StoreContext } from './context.ts';
import { checkLimit, decodeCursor, pageOf } from './cursor.ts';
import {
  RESOURCE_COLUMNS,
  refKeyValues,
  resourceValues,
  toResource,
  type ResourceRow,
} from './resource-row.ts';
import { followDelta, forgetRowDigests } from './row-digests.ts';
import { forgetDigest } from './snapshots.ts';
import type { Db, SqlValue } from './sqlite.ts';
import type { Page, ResourceDelta, ResourceRecord } from './types.ts';
import type { ObjectRef } from '@ferry/shared';

export interface ResourceQuery {
  readonly health?: HealthStatus;
  readonly kind?: string;
  readonly namespace?: string;
  readonly drifted?: boolean;
  /** A cursor from a previous page's `next`. */
  readonly after?: string;
  readonly limit: number;
}

export interface ResourceMethods {
  /** The cluster's resources in key order (group, kind, namespace, name); empty for an unknown cluster. */
  resources(cluster: string, query: ResourceQuery): Page<ResourceRecord>;
}

/** Applies a delta; false (nothing applied) when it names a snapshot other than the one stored. */
export function storeDelta(db: Db, clusterId: number, delta: ResourceDelta): boolean {
  if (delta.snapshotId !== undefined) {
    const held = db
      .prepare('SELECT 1 FROM snapshots WHERE cluster_id = ? AND snapshot_id = ? AND complete = 1')
      .get(clusterId, delta.snapshotId);
    if (held === undefined) return false;
  }
  const upsert = db.prepare(
    `INSERT INTO resources (cluster_id, ${RESOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (cluster_id, api_group, kind, namespace, name) DO UPDATE SET version = excluded.version,
       health_status = excluded.health_status, health_message = excluded.health_message,
       last_action = excluded.last_action, drifted = excluded.drifted`,
  );
  for (const resource of delta.upserts) upsert.run(clusterId, ...resourceValues(resource));
  const remove = db.prepare(
    'DELETE FROM resources WHERE cluster_id = ? AND api_group = ? AND kind = ? AND namespace = ? AND name = ?',
  );
  for (const ref of delta.deletes) remove.run(clusterId, ...refKeyValues(ref));
  followDelta(db, clusterId, delta.upserts, delta.deletes);
  // Without the agent's digest of the new state, the stored one no longer names what is stored.
  if (delta.digest === undefined) forgetDigest(db, clusterId);
  else {
    db.prepare('UPDATE snapshots SET digest = ? WHERE cluster_id = ? AND complete = 1').run(
      delta.digest,
      clusterId,
    );
  }
  return true;
}

/** Sets a stored resource's drift flag (a drift reported or ignored sets it; a healed one clears it). */
export function markDrifted(db: Db, clusterId: number, ref: ObjectRef, drifted: boolean): void {
  const changed = db
    .prepare(
      `UPDATE resources SET drifted = ?
       WHERE cluster_id = ? AND api_group = ? AND kind = ? AND namespace = ? AND name = ? AND drifted <> ?`,
    )
    .run(flag(drifted), clusterId, ...refKeyValues(ref), flag(drifted)).changes;
  // The hub moved a stored row on its own: the agent's digest no longer names what is stored.
  if (changed > 0) {
    forgetDigest(db, clusterId);
    forgetRowDigests(db, clusterId);
  }
}

export function resourceMethods({ db }: StoreContext): ResourceMethods {
  return {
    resources: (cluster, query) => {
      const limit = checkLimit(query.limit);
      const clusterId = clusterIdOf(db, cluster);
      if (clusterId === undefined) return { items: [] };
      const where = ['cluster_id = ?'];
      const params: SqlValue[] = [clusterId];
      const equal = (column: string, value: SqlValue | undefined): void => {
        if (value === undefined) return;
        where.push(`${column} = ?`);
        params.push(value);
      };
      equal('health_status', query.health);
      equal('kind', query.kind);
      equal('namespace', query.namespace);
      equal('drifted', query.drifted === undefined ? undefined : flag(query.drifted));
      if (query.after !== undefined) {
        where.push('(api_group, kind, namespace, name) > (?, ?, ?, ?)');
        params.push(...decodeCursor(query.after, ['string', 'string', 'string', 'string']));
      }
      const rows = db
        .prepare<ResourceRow>(
          `SELECT ${RESOURCE_COLUMNS} FROM resources WHERE ${where.join(' AND ')}
           ORDER BY api_group, kind, namespace, name LIMIT ?`,
        )
        .all(...params, limit + 1);
      return pageOf(rows, limit, toResource, (row) => [row.api_group, row.kind, row.namespace, row.name]);
    },
  };
}
