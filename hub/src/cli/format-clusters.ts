// How clusters print: the fleet table of `ferry status`, the registry table of `ferry cluster list`,
// the detail of `ferry cluster get`, and the fleet summary line. Pure: data and a clock in, text out.
// A cluster that stopped reporting shows as stale with when it was last heard, never as failed.
import { formatAge, formatSince } from './age.ts';
import { formatRef, type ObjectRef } from '@ferry/shared';
import type { ReadinessJson } from '../api/json.ts';
import type { ClusterJson, SummaryJson } from './cluster-json.ts';
import { formatTable } from './table.ts';

export type TableWidth = 'table' | 'wide';

const NONE = '-';

/** The first 7 characters of a commit SHA; other revisions as they are. */
export function shortRevision(revision: string | null | undefined): string {
  if (revision === null || revision === undefined || revision === '') return NONE;
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}

/** `enrolled`, plus `,stale` when it stopped reporting and `,refused` when its last hello was refused. */
export function stateCell(cluster: ClusterJson): string {
  return [
    cluster.state,
    ...(cluster.stale ? ['stale'] : []),
    ...(cluster.refusal !== null ? ['refused'] : []),
  ].join(',');
}

function pathCell(path: string): string {
  return path === '' ? '(root)' : path;
}

function labelsCell(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  return pairs.length === 0 ? NONE : pairs.join(',');
}

function lagCell(cluster: ClusterJson): string {
  const lag = cluster.sync?.lagSeconds;
  return lag === null || lag === undefined ? NONE : formatAge(lag * 1000);
}

export const STATUS_HEADERS = ['NAME', 'STATE', 'HEALTH', 'SYNC', 'REVISION', 'LAST-HEARD'] as const;
export const STATUS_WIDE_HEADERS = [...STATUS_HEADERS, 'REPO', 'PATH', 'AGENT', 'KUBERNETES', 'LAG'] as const;

export function statusRow(cluster: ClusterJson, now: Date, width: TableWidth): string[] {
  const row = [
    cluster.name,
    stateCell(cluster),
    cluster.health?.status ?? NONE,
    cluster.sync?.result ?? NONE,
    shortRevision(cluster.sync?.appliedRevision),
    formatSince(cluster.lastHeardAt, now),
  ];
  if (width === 'table') return row;
  return [
    ...row,
    cluster.source.repo,
    pathCell(cluster.source.path),
    cluster.agentVersion ?? NONE,
    cluster.kubernetesVersion ?? NONE,
    lagCell(cluster),
  ];
}

/** The fleet table of `ferry status`. */
export function formatStatusTable(clusters: readonly ClusterJson[], now: Date, width: TableWidth): string {
  if (clusters.length === 0) return 'no clusters\n';
  return formatTable(
    width === 'table' ? STATUS_HEADERS : STATUS_WIDE_HEADERS,
    clusters.map((cluster) => statusRow(cluster, now, width)),
  );
}

export const LIST_HEADERS = ['NAME', 'STATE', 'LABELS', 'REPO', 'REF', 'PATH', 'AGE'] as const;
export const LIST_WIDE_HEADERS = [
  ...LIST_HEADERS,
  'TARGET-NAMESPACE',
  'AGENT',
  'CLUSTER-UID',
  'ENROLLED',
] as const;

export function listRow(cluster: ClusterJson, now: Date, width: TableWidth): string[] {
  const row = [
    cluster.name,
    stateCell(cluster),
    labelsCell(cluster.labels),
    cluster.source.repo,
    cluster.source.ref,
    pathCell(cluster.source.path),
    formatAge(now.getTime() - Date.parse(cluster.createdAt)),
  ];
  if (width === 'table') return row;
  return [
    ...row,
    cluster.targetNamespace === '' ? NONE : cluster.targetNamespace,
    cluster.agentVersion ?? NONE,
    cluster.clusterUid ?? NONE,
    cluster.enrolledAt === null ? NONE : formatSince(cluster.enrolledAt, now),
  ];
}

/** The registry table of `ferry cluster list`. */
export function formatListTable(clusters: readonly ClusterJson[], now: Date, width: TableWidth): string {
  if (clusters.length === 0) return 'no clusters\n';
  return formatTable(
    width === 'table' ? LIST_HEADERS : LIST_WIDE_HEADERS,
    clusters.map((cluster) => listRow(cluster, now, width)),
  );
}

const STATE_ORDER = ['enrolled', 'recovering', 'pending'];
const HEALTH_ORDER = ['Current', 'InProgress', 'Terminating', 'Unknown', 'Failed', 'none'];
const SYNC_ORDER = ['applied', 'prune-blocked', 'failed', 'none'];

function counts(byKey: Readonly<Record<string, number>>, order: readonly string[]): string {
  const rank = (key: string): number => (order.includes(key) ? order.indexOf(key) : order.length);
  const parts = Object.entries(byKey)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([key, count]) => `${count} ${key}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** One line: "3 clusters (2 enrolled, 1 pending); health: 2 Current, 1 none; sync: ...; 1 stale, 2 connected". */
export function formatSummaryLine(summary: SummaryJson): string {
  const noun = summary.total === 1 ? 'cluster' : 'clusters';
  return (
    `${summary.total} ${noun} (${counts(summary.byState, STATE_ORDER)}); ` +
    `health: ${counts(summary.byHealth, HEALTH_ORDER)}; sync: ${counts(summary.bySync, SYNC_ORDER)}; ` +
    `${summary.stale} stale, ${summary.connected} connected\n`
  );
}

function at(iso: string | null, now: Date): string {
  return iso === null ? NONE : `${iso} (${formatSince(iso, now)})`;
}

/** The detail of one cluster, as `ferry cluster get` prints it. */
export function formatClusterDetail(cluster: ClusterJson, now: Date): string {
  const lines: [string, string][] = [
    ['Name', cluster.name],
    ['Labels', labelsCell(cluster.labels)],
    ['Repo', cluster.source.repo],
    ['Ref', cluster.source.ref],
    ['Path', pathCell(cluster.source.path)],
    ['Target namespace', cluster.targetNamespace === '' ? "(the agent's default)" : cluster.targetNamespace],
    ['State', cluster.state],
    ['Connected', cluster.connected ? 'yes' : 'no'],
    ['Last heard', at(cluster.lastHeardAt, now)],
  ];
  if (cluster.stale)
    lines.push([
      'Stale',
      'yes: no heartbeat for too long; what follows is its last report, which may be out of date',
    ]);
  lines.push([
    'Health',
    cluster.health === null ? NONE : `${cluster.health.status}: ${cluster.health.message}`,
  ]);
  const sync = cluster.sync;
  if (sync === null) lines.push(['Last sync', NONE]);
  else {
    lines.push(
      [
        'Last sync',
        `${sync.result} at ${shortRevision(sync.revision)}, started ${formatSince(sync.startedAt, now)} (id ${sync.syncId})`,
      ],
      ['Applied revision', sync.appliedRevision ?? NONE],
      ['Last applied', at(sync.lastAppliedAt, now)],
      ['Commit to applied', lagCell(cluster)],
    );
  }
  lines.push(
    ['Agent', cluster.agentVersion ?? NONE],
    ['Kubernetes', cluster.kubernetesVersion ?? NONE],
    ['Cluster UID', cluster.clusterUid ?? NONE],
    ['Created', at(cluster.createdAt, now)],
    ['Enrolled', at(cluster.enrolledAt, now)],
  );
  lines.push([
    'DR readiness',
    cluster.readiness === null
      ? 'not reported yet'
      : `rebuildable from Git: ${String(cluster.readiness.rebuildable)} of ${String(cluster.readiness.total)} objects (scanned ${formatSince(cluster.readiness.scannedAt, now)})`,
  ]);
  if (cluster.refusal !== null)
    lines.push(['Refused', `${cluster.refusal.message} (${formatSince(cluster.refusal.at, now)})`]);
  if (cluster.recovery !== null) {
    const { startedAt, finishedAt, durationSeconds } = cluster.recovery;
    lines.push([
      'Recovery',
      finishedAt === null
        ? `started ${formatSince(startedAt, now)}, in progress: ${recoveryProgress(cluster)}`
        : `recovered ${formatSince(finishedAt, now)}, in ${formatAge((durationSeconds ?? 0) * 1000)}: ${recoveryProgress(cluster)}`,
    ]);
  }
  const width = Math.max(...lines.map(([key]) => key.length)) + 2;
  return lines.map(([key, value]) => `${`${key}:`.padEnd(width)}${value}\n`).join('');
}

/** "objects back 12 of 40; health InProgress; revision main@sha1:… (target main@sha1:… or newer)". */
export function recoveryProgress(cluster: ClusterJson): string {
  const recovery = cluster.recovery;
  if (recovery === null) return 'not recovering';
  const health = cluster.health === null ? 'not reported yet' : cluster.health.status;
  const applied = cluster.sync?.appliedRevision ?? null;
  const target =
    recovery.recordedRevision === null ? 'none recorded' : `${recovery.recordedRevision} or newer`;
  return (
    `objects back ${String(recovery.objectsBack)} of ${String(recovery.expectedObjects)}; health ${health}; ` +
    `revision ${applied ?? 'none applied yet'} (target ${target})`
  );
}

/** What Git cannot rebuild, one object a line (after the detail of `ferry cluster get`). */
export function formatReadinessLists(readiness: ReadinessJson): string {
  const section = (title: string, count: number, items: readonly ObjectRef[]): string[] =>
    count === 0
      ? []
      : [
          `${title} (${String(count)}):`,
          ...items.map((ref) => `  ${formatRef(ref)}`),
          ...(count > items.length ? [`  … and ${String(count - items.length)} more`] : []),
        ];
  const lines = [
    ...section('Not in Git', readiness.notInGit.count, readiness.notInGit.items),
    ...section('Data Git cannot rebuild', readiness.data.count, readiness.data.items),
    ...(readiness.unknownKinds.length === 0
      ? []
      : [`Kinds the agent may not list (unknown): ${readiness.unknownKinds.join(', ')}`]),
  ];
  return lines.map((line) => `${line}\n`).join('');
}
