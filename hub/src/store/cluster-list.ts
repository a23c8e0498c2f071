// The fleet view's queries: clusters filtered and paged by name, the counts for a summary line, the names.
import { HEALTH_STATUSES, type HealthStatus } from '@ferry/shared';
import { CLUSTER_COLUMNS, CLUSTER_FROM, toCluster, type ClusterRow } from './cluster-row.ts';
import { ms, type StoreContext } from './context.ts';
import { checkLimit, decodeCursor, pageOf } from './cursor.ts';
import type { SqlValue } from './sqlite.ts';
import { CLUSTER_STATES, SYNC_RESULTS } from './types.ts';
import type { Cluster, ClusterState, Page, SyncResult } from './types.ts';

export interface ClusterQuery {
  /** Every label given must be present with that value. */
  readonly labelSelector?: Readonly<Record<string, string>>;
  readonly health?: HealthStatus;
  /** The result of the cluster's latest sync. */
  readonly syncState?: SyncResult;
  readonly state?: ClusterState;
  /** Only clusters heard from, but not since this time. */
  readonly stale?: { readonly olderThan: Date };
  /** Only the others: clusters never heard from, or heard from at or after this time. */
  readonly fresh?: { readonly since: Date };
  /** A cursor from a previous page's `next`. */
  readonly after?: string;
  readonly limit: number;
}

export interface SummaryCounts {
  readonly total: number;
  readonly byState: Readonly<Record<ClusterState, number>>;
  /** `none` for clusters that have reported no health yet. */
  readonly byHealth: Readonly<Record<HealthStatus | 'none', number>>;
  /** `none` for clusters that have reported no sync yet. */
  readonly bySync: Readonly<Record<SyncResult | 'none', number>>;
  readonly stale: number;
}

export interface ClusterListMethods {
  listClusters(query: ClusterQuery): Page<Cluster>;
  summaryCounts(now: Date, staleAfterMs: number): SummaryCounts;
  /** Every cluster's name, sorted. */
  clusterNames(): string[];
}

export function clusterListMethods({ db }: StoreContext): ClusterListMethods {
  return {
    listClusters: (query) => {
      const limit = checkLimit(query.limit);
      const where: string[] = [];
      const params: SqlValue[] = [];
      for (const [key, value] of Object.entries(query.labelSelector ?? {})) {
        where.push('EXISTS (SELECT 1 FROM json_each(clusters.labels) WHERE key = ? AND value = ?)');
        params.push(key, value);
      }
      const equal = (column: string, value: string | undefined): void => {
        if (value === undefined) return;
        where.push(`${column} = ?`);
        params.push(value);
      };
      equal('health_status', query.health);
      equal('sync_result', query.syncState);
      equal('state', query.state);
      if (query.stale !== undefined) {
        where.push('cluster_heard.at < ?');
        params.push(ms(query.stale.olderThan));
      }
      if (query.fresh !== undefined) {
        where.push('(cluster_heard.at IS NULL OR cluster_heard.at >= ?)');
        params.push(ms(query.fresh.since));
      }
      if (query.after !== undefined) {
        const [name] = decodeCursor(query.after, ['string']);
        where.push('name > ?');
        params.push(String(name));
      }
      const rows = db
        .prepare<ClusterRow>(
          `SELECT ${CLUSTER_COLUMNS} FROM ${CLUSTER_FROM}
           ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
           ORDER BY name LIMIT ?`,
        )
        .all(...params, limit + 1);
      return pageOf(rows, limit, toCluster, (row) => [row.name]);
    },

    summaryCounts: (now, staleAfterMs) => {
      const counts = <K extends string>(column: string, keys: readonly K[]): Record<K | 'none', number> => {
        const result = Object.fromEntries([...keys, 'none'].map((key) => [key, 0])) as Record<
          K | 'none',
          number
        >;
        const rows = db
          .prepare<{ value: K | null; n: number }>(
            `SELECT ${column} AS value, count(*) AS n FROM clusters GROUP BY ${column}`,
          )
          .all();
        for (const row of rows) result[row.value ?? 'none'] += row.n;
        return result;
      };
      const states = counts('state', CLUSTER_STATES);
      const byState = { pending: states.pending, enrolled: states.enrolled, recovering: states.recovering };
      const stale = db
        .prepare<{ n: number }>('SELECT count(*) AS n FROM cluster_heard WHERE at < ?')
        .get(ms(now) - staleAfterMs);
      return {
        total: Object.values(byState).reduce((sum, n) => sum + n, 0),
        byState,
        byHealth: counts('health_status', HEALTH_STATUSES),
        bySync: counts('sync_result', SYNC_RESULTS),
        stale: stale?.n ?? 0,
      };
    },

    clusterNames: () =>
      db
        .prepare<{ name: string }>('SELECT name FROM clusters ORDER BY name')
        .all()
        .map((row) => row.name),
  };
}
