// A ReadinessReport as the GitSync's status keeps it: counts, the first refs of each list as
// `Kind namespace/name`, the kinds not listed, and one line a person reads.
import type { DrReadinessSummary } from '../gitsync/types.ts';
import { readinessRef } from './format.ts';
import type { ReadinessReport } from './types.ts';

/** How many refs of each list status keeps. */
export const STATUS_ITEM_LIMIT = 10;

export function summarizeReadiness(report: ReadinessReport): DrReadinessSummary {
  return {
    scannedAt: report.scannedAt,
    message: readinessMessage(report),
    namespaces: report.namespaces.length,
    rebuildable: report.rebuildable,
    total: report.total,
    notInGit: {
      count: report.notInGit.count,
      items: report.notInGit.items.slice(0, STATUS_ITEM_LIMIT).map(readinessRef),
    },
    data: {
      count: report.data.count,
      items: report.data.items.slice(0, STATUS_ITEM_LIMIT).map(readinessRef),
    },
    unknownKinds: [...report.unknownKinds],
  };
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/** `rebuildable from Git: 42 of 45 objects (2 not in Git, 1 data volume, 1 kind not listed)`. */
export function readinessMessage(report: ReadinessReport): string {
  const parts = [
    ...(report.notInGit.count > 0 ? [`${report.notInGit.count} not in Git`] : []),
    ...(report.data.count > 0 ? [plural(report.data.count, 'data volume', 'data volumes')] : []),
    ...(report.unknownKinds.length > 0
      ? [plural(report.unknownKinds.length, 'kind not listed', 'kinds not listed')]
      : []),
  ];
  const head = `rebuildable from Git: ${report.rebuildable} of ${plural(report.total, 'object', 'objects')}`;
  return parts.length === 0 ? head : `${head} (${parts.join(', ')})`;
}
