// When each cluster was last heard from (any message of its agent, a hello): a narrow table of its own,
// moved by every message, so that a commit of many clusters' messages writes a few of its pages rather
// than one clusters page each (migration 4).
import { clusterIdOf } from './context.ts';
import type { Db } from './sqlite.ts';

/** The cluster was heard from at `at` (ms); an earlier time than the one stored leaves it. */
export function markHeardAt(db: Db, clusterId: number, at: number): void {
  db.prepare(
    `INSERT INTO cluster_heard (cluster_id, at) VALUES (?, ?)
     ON CONFLICT (cluster_id) DO UPDATE SET at = max(at, excluded.at)`,
  ).run(clusterId, at);
}

/** The same by the cluster's name; false when there is no such cluster. */
export function markHeardByName(db: Db, cluster: string, at: number): boolean {
  const clusterId = clusterIdOf(db, cluster);
  if (clusterId === undefined) return false;
  markHeardAt(db, clusterId, at);
  return true;
}
