// DR readiness per cluster: the agent's last report, kept whole in its own table (the clusters list
// never reads it); the counts are columns so a summary needs no JSON parsing.
import { ms, type StoreContext } from './context.ts';
import type { Db } from './sqlite.ts';
import type { ReadinessRecord } from './types.ts';

export interface ReadinessSummary {
  readonly scannedAt: Date;
  readonly rebuildable: number;
  readonly total: number;
}

export interface ReadinessMethods {
  /** The last report of the cluster's agent; undefined when none (or no such cluster). */
  readiness(cluster: string): ReadinessRecord | undefined;
  readinessSummary(cluster: string): ReadinessSummary | undefined;
  /**
   * The summaries of these clusters in one statement (a list page's), by cluster name; a cluster with no
   * report (or no such cluster) is absent from the map.
   */
  readinessSummaries(clusters: readonly string[]): Map<string, ReadinessSummary>;
}

interface StoredReport {
  readonly notInGit: ReadinessRecord['notInGit'];
  readonly data: ReadinessRecord['data'];
  readonly unknownKinds: readonly string[];
}

/** Replaces the cluster's report with this one (a report always describes the whole cluster). */
export function storeReadiness(db: Db, clusterId: number, record: ReadinessRecord): void {
  const report: StoredReport = {
    notInGit: record.notInGit,
    data: record.data,
    unknownKinds: record.unknownKinds,
  };
  db.prepare(
    `INSERT INTO readiness (cluster_id, scanned_at, rebuildable, total, report) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (cluster_id) DO UPDATE SET scanned_at = excluded.scanned_at,
       rebuildable = excluded.rebuildable, total = excluded.total, report = excluded.report`,
  ).run(clusterId, ms(record.scannedAt), record.rebuildable, record.total, JSON.stringify(report));
}

interface Row {
  scanned_at: number;
  rebuildable: number;
  total: number;
}

const summaryOf = (row: Row): ReadinessSummary => ({
  scannedAt: new Date(row.scanned_at),
  rebuildable: row.rebuildable,
  total: row.total,
});

export function readinessMethods({ db }: StoreContext): ReadinessMethods {
  // One statement by cluster name; the summary (read for every cluster of a list page) leaves the
  // report's text alone.
  const select = (columns: string): string =>
    `SELECT ${columns} FROM readiness r JOIN clusters c ON c.id = r.cluster_id WHERE c.name = ?`;
  const row = (cluster: string): (Row & { report: string }) | undefined =>
    db
      .prepare<Row & { report: string }>(select('r.scanned_at, r.rebuildable, r.total, r.report'))
      .get(cluster);
  const summaryRow = (cluster: string): Row | undefined =>
    db.prepare<Row>(select('r.scanned_at, r.rebuildable, r.total')).get(cluster);
  // The names go as one JSON array, so the statement's text (and its cached preparation) is the same
  // for any number of them.
  const summaryRows = (clusters: readonly string[]): (Row & { name: string })[] =>
    db
      .prepare<Row & { name: string }>(
        `SELECT c.name, r.scanned_at, r.rebuildable, r.total FROM readiness r
         JOIN clusters c ON c.id = r.cluster_id WHERE c.name IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(clusters));
  return {
    readiness: (cluster) => {
      const found = row(cluster);
      if (found === undefined) return undefined;
      const report = JSON.parse(found.report) as StoredReport;
      return {
        scannedAt: new Date(found.scanned_at),
        rebuildable: found.rebuildable,
        total: found.total,
        ...report,
      };
    },
    readinessSummary: (cluster) => {
      const found = summaryRow(cluster);
      return found === undefined ? undefined : summaryOf(found);
    },
    readinessSummaries: (clusters) =>
      new Map(
        clusters.length === 0 ? [] : summaryRows(clusters).map((found) => [found.name, summaryOf(found)]),
      ),
  };
}
