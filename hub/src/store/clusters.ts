// The cluster registry: create, read, relabel, delete, and who follows a repo (for the webhook relay).
import { CLUSTER_COLUMNS, CLUSTER_FROM, toCluster, type ClusterRow } from './cluster-row.ts';
import { ms, type StoreContext } from './context.ts';
import { forgetRowDigests } from './row-digests.ts';
import type { Cluster, NewCluster } from './types.ts';

export type CreateClusterResult =
  { readonly ok: true; readonly cluster: Cluster } | { readonly ok: false; readonly reason: 'name-taken' };

export interface ClusterMethods {
  /** A new cluster in state pending. */
  createCluster(cluster: NewCluster, now: Date): CreateClusterResult;
  getCluster(name: string): Cluster | undefined;
  /** These clusters, in one statement; a name with no cluster is absent (in no particular order). */
  getClusters(names: readonly string[]): Cluster[];
  /** Replaces the labels; false when there is no such cluster. */
  setLabels(name: string, labels: Readonly<Record<string, string>>): boolean;
  /** Deletes a cluster with everything kept about it (credentials, history, resources...). */
  deleteCluster(name: string): boolean;
  /** Names of the clusters that follow a repo, sorted. */
  clustersFollowing(repo: string): string[];
}

export function clusterMethods({ db }: StoreContext): ClusterMethods {
  const get = (name: string): Cluster | undefined => {
    const row = db
      .prepare<ClusterRow>(`SELECT ${CLUSTER_COLUMNS} FROM ${CLUSTER_FROM} WHERE name = ?`)
      .get(name);
    return row === undefined ? undefined : toCluster(row);
  };
  return {
    createCluster: (cluster, now) =>
      db.transaction(() => {
        const inserted = db
          .prepare(
            `INSERT INTO clusters (name, labels, repo, ref, path, target_namespace, credentials_secret, state, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (name) DO NOTHING`,
          )
          .run(
            cluster.name,
            JSON.stringify(cluster.labels),
            cluster.repo,
            cluster.ref,
            cluster.path,
            cluster.targetNamespace,
            cluster.credentialsSecret,
            ms(now),
          );
        const created = inserted.changes === 1 ? get(cluster.name) : undefined;
        return created === undefined ? { ok: false, reason: 'name-taken' } : { ok: true, cluster: created };
      }),
    getCluster: get,
    // The names go as one JSON array, so the statement (and its cached preparation) is one for any count.
    getClusters: (names) =>
      names.length === 0
        ? []
        : db
            .prepare<ClusterRow>(
              `SELECT ${CLUSTER_COLUMNS} FROM ${CLUSTER_FROM} WHERE name IN (SELECT value FROM json_each(?))`,
            )
            .all(JSON.stringify(names))
            .map(toCluster),
    setLabels: (name, labels) =>
      db.prepare('UPDATE clusters SET labels = ? WHERE name = ?').run(JSON.stringify(labels), name)
        .changes === 1,
    deleteCluster: (name) => {
      // A new cluster may take the deleted one's id: the resource digests of every cluster go (rare).
      forgetRowDigests(db);
      return db.prepare('DELETE FROM clusters WHERE name = ?').run(name).changes === 1;
    },
    clustersFollowing: (repo) =>
      db
        .prepare<{ name: string }>('SELECT name FROM clusters WHERE repo = ? ORDER BY name')
        .all(repo)
        .map((row) => row.name),
  };
}

/** A cluster is stale when it was heard from, but not within staleAfterMs: shown with lastHeardAt. */
export function isStale(cluster: Pick<Cluster, 'lastHeardAt'>, now: Date, staleAfterMs: number): boolean {
  return cluster.lastHeardAt !== undefined && ms(cluster.lastHeardAt) < ms(now) - staleAfterMs;
}
