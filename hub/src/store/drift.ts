// Drift the agent reports: which object, which of Ferry's fields moved (paths and managers, never
// values), what the agent did about it. The newest N kept per cluster; the object's drift flag follows.
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import { markDrifted } from './resources.ts';
import type { Db } from './sqlite.ts';
import type { DriftAction, DriftField, DriftKind, DriftRecord } from './types.ts';

export interface DriftQuery {
  /** At most this many, newest first (default: all that are kept). */
  readonly limit?: number;
}

export interface DriftMethods {
  /** The cluster's drift reports, newest first; empty for an unknown cluster. */
  drift(cluster: string, query?: DriftQuery): DriftRecord[];
}

interface DriftRow {
  api_group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  drift_kind: DriftKind;
  fields: string;
  action: DriftAction;
  at: number;
}

export function storeDrift(db: Db, clusterId: number, drift: DriftRecord): void {
  const { ref } = drift;
  db.prepare(
    `INSERT INTO drift (cluster_id, api_group, version, kind, namespace, name, drift_kind, fields, action, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    clusterId,
    ref.group,
    ref.version,
    ref.kind,
    ref.namespace,
    ref.name,
    drift.kind,
    JSON.stringify(drift.fields),
    drift.action,
    ms(drift.at),
  );
  markDrifted(db, clusterId, ref, drift.action !== 'healed');
}

/** Keeps the newest `keep` drift reports of a cluster. */
export function pruneDrift(db: Db, clusterId: number, keep: number): void {
  db.prepare(
    `DELETE FROM drift WHERE id IN (SELECT id FROM drift WHERE cluster_id = ?
       ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)`,
  ).run(clusterId, keep);
}

export function driftMethods({ db }: StoreContext): DriftMethods {
  return {
    drift: (cluster, query = {}) => {
      const clusterId = clusterIdOf(db, cluster);
      if (clusterId === undefined) return [];
      return db
        .prepare<DriftRow>(
          `SELECT api_group, version, kind, namespace, name, drift_kind, fields, action, at
           FROM drift WHERE cluster_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
        )
        .all(clusterId, query.limit ?? -1)
        .map((row) => ({
          ref: {
            group: row.api_group,
            version: row.version,
            kind: row.kind,
            namespace: row.namespace,
            name: row.name,
          },
          kind: row.drift_kind,
          fields: JSON.parse(row.fields) as DriftField[],
          action: row.action,
          at: new Date(row.at),
        }));
    },
  };
}
