// The recovery benchmark's Markdown: target against measured (medians, with every run's raw value), the
// runs one by one, and where Ferry's recovery spent its time (median milliseconds from t0 of each step).
import { median } from '../agent-proc.ts';
import { seconds } from './clock.ts';
import type { KubectlRun } from './measure-kubectl.ts';
import type { FerryRun } from './measure-recovery.ts';

export const RATIO_TARGET = 1.5;

export interface RunPair {
  readonly run: number;
  readonly order: 'Ferry first' | 'kubectl first';
  readonly ferry: FerryRun;
  readonly kubectl: KubectlRun;
}

export interface RecoveryReport {
  readonly heading: string;
  readonly objects: number;
  readonly namespaces: number;
  readonly pairs: readonly RunPair[];
}

const raw = (values: readonly number[]): string => values.map((ms) => (ms / 1000).toFixed(2)).join(', ');
/** A median of CPU seconds, or '–' for runs recorded before CPU was. */
const cpu = (values: readonly (number | undefined)[]): string => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? '–' : median(known).toFixed(1);
};
const ms = (value: number | undefined): string => (value === undefined ? '–' : String(Math.round(value)));

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function targetTable(report: RecoveryReport): string[] {
  const { pairs } = report;
  const ferry = pairs.map((p) => p.ferry.objectsMs);
  const kubectl = pairs.map((p) => p.kubectl.objectsMs);
  const ratios = pairs.map((p) => p.ferry.objectsMs / p.kubectl.objectsMs);
  const ratio = median(ferry) / median(kubectl);
  // Each pair ran minutes apart on a shared machine: the per-run ratio is the steadier figure.
  const pairedRatio = median(ratios);
  const met = Math.max(ratio, pairedRatio) <= RATIO_TARGET ? 'yes' : '**no**';
  const line = (what: string, values: readonly number[], target = '', verdict = ''): string =>
    row([what, seconds(median(values)), raw(values), target, verdict]);
  const durations = pairs.map((p) => (p.ferry.hub?.durationSeconds ?? Number.NaN) * 1000);
  return [
    row(['measure', 'median', 'raw, run by run (s)', 'target', 'met']),
    row(['---', '---', '---', '---', '---']),
    line(`Ferry: t1 - t0, all ${String(report.objects)} objects back as Git says`, ferry),
    line('kubectl apply --server-side: t1 - t0, exited and all objects there', kubectl),
    row([
      '**ratio** Ferry / kubectl: median of the per-run ratios (ratio of the medians)',
      `**${pairedRatio.toFixed(2)}** (${ratio.toFixed(2)})`,
      ratios.map((r) => r.toFixed(2)).join(', '),
      `≤ ${String(RATIO_TARGET)}`,
      met,
    ]),
    line(
      'Ferry: t2 - t0, GitSync Ready (everything healthy)',
      pairs.map((p) => p.ferry.readyMs),
    ),
    line(
      'Ferry: t3 - t0, the hub says recovered',
      pairs.map((p) => p.ferry.recoveredMs),
    ),
    line(
      "the runner's start (Secret created → agent process spawned), the kubelet's stand-in",
      pairs.map((p) => p.ferry.agentSpawnedMs - p.ferry.secretCreatedMs),
    ),
    line(
      'the agent process: spawned → "agent started" logged (Node start-up, connect)',
      pairs.map((p) => (p.ferry.agent.started ?? Number.NaN) - p.ferry.agentSpawnedMs),
    ),
    line(
      'kubectl: its exit alone',
      pairs.map((p) => p.kubectl.exitMs),
    ),
    row([
      'CPU s: the agent (its whole life to t3) / kubectl (t0 → t1)',
      `${cpu(pairs.map((p) => p.ferry.agentCpu))} / ${cpu(pairs.map((p) => p.kubectl.kubectlCpu))}`,
      pairs.map((p) => `${p.ferry.agentCpu.toFixed(1)} / ${p.kubectl.kubectlCpu.toFixed(1)}`).join(', '),
      '',
      '',
    ]),
    row([
      "CPU s: the cluster's API server, controller manager, etcd, under Ferry (t0 → t3) / kubectl (t0 → t1)",
      `${cpu(pairs.map((p) => p.ferry.serverCpu))} / ${cpu(pairs.map((p) => p.kubectl.serverCpu))}`,
      pairs.map((p) => `${p.ferry.serverCpu.toFixed(1)} / ${p.kubectl.serverCpu.toFixed(1)}`).join(', '),
      '',
      '',
    ]),
    line("the hub's recovery.durationSeconds (from POST …/recover: cluster made, waits)", durations),
  ];
}

function runsTable(pairs: readonly RunPair[]): string[] {
  return [
    row([
      'run',
      'order',
      'load (1 min) at Ferry t0 / kubectl t0',
      'Ferry t1 / t2 / t3 (s)',
      'kubectl t1 (exit) (s)',
      'ratio',
      'syncs failed before the first ready',
      'hub: objects back / expected',
    ]),
    row(['---', '---', '---', '---', '---', '---', '---', '---']),
    ...pairs.map((p) =>
      row([
        String(p.run + 1),
        p.order,
        `${p.ferry.loadAverage.toFixed(1)} / ${p.kubectl.loadAverage.toFixed(1)}`,
        raw([p.ferry.objectsMs, p.ferry.readyMs, p.ferry.recoveredMs]).replaceAll(', ', ' / '),
        `${(p.kubectl.objectsMs / 1000).toFixed(2)} (${(p.kubectl.exitMs / 1000).toFixed(2)})`,
        (p.ferry.objectsMs / p.kubectl.objectsMs).toFixed(2),
        String(p.ferry.failedSyncs),
        `${String(p.ferry.hub?.objectsBack ?? '?')} / ${String(p.ferry.hub?.expectedObjects ?? '?')}`,
      ]),
    ),
  ];
}

/** Each step of Ferry's recovery, median ms from t0, in the order they happen. */
function timelineTable(pairs: readonly RunPair[]): string[] {
  const steps: readonly [string, (run: FerryRun) => number | undefined][] = [
    ['`kubectl apply -f` of the recovery manifest returned', (r) => r.manifestAppliedMs],
    ['`kubectl create secret` (Git credential) returned', (r) => r.secretCreatedMs],
    ['the runner spawned the agent (the kubelet would start the container)', (r) => r.agentSpawnedMs],
    ['agent: "agent started" (Node up, connected, /healthz served)', (r) => r.agent.started],
    ['agent: GitSync created from the bootstrap ConfigMap', (r) => r.agent.gitSyncCreated],
    ['GitSync seen by the benchmark', (r) => r.gitSync.created],
    ['agent: Lease acquired', (r) => r.agent.leaseAcquired],
    ['agent: "sync started"', (r) => r.agent.syncStarted],
    ['agent: enrolled with the hub (beside the sync)', (r) => r.agent.enrolled],
    ['agent: connected to the hub', (r) => r.agent.connected],
    ['GitSync: Syncing (credential read; fetch begins)', (r) => r.gitSync.syncing],
    ['first object of Git seen in the cluster', (r) => r.firstObjectMs],
    ['**t1**: last object seen (all back as Git says)', (r) => r.objectsMs],
    ['GitSync: applied, waiting for health', (r) => r.gitSync.waitingHealth],
    ['**t2**: GitSync Ready', (r) => r.readyMs],
    ['agent: "sync done"', (r) => r.agent.syncEnded],
    ['**t3**: the hub says recovered', (r) => r.recoveredMs],
  ];
  return [
    row(['step', 'median ms from t0', 'run by run']),
    row(['---', '---', '---']),
    ...steps.map(([what, pick]) => {
      const values = pairs.map((p) => pick(p.ferry));
      const known = values.filter((v): v is number => v !== undefined && !Number.isNaN(v));
      return row([what, ms(known.length === 0 ? undefined : median(known)), values.map(ms).join(', ')]);
    }),
  ];
}

/** With FERRY_BENCH_RECOVERY_AUDIT=1: the recovered agent's requests, run by run. */
function requestsTables(pairs: readonly RunPair[]): string[] {
  return pairs.flatMap((p) => {
    const groups = p.ferry.requests;
    if (groups === undefined) return [];
    const total = groups.reduce((sum, g) => sum + g.count, 0);
    return [
      `The agent's API requests from t0 to t3, run ${String(p.run + 1)} (audit log; ${String(total)} in all):`,
      '',
      row(['requests', 'count', 'first, ms from t0', 'last, ms from t0']),
      row(['---', '---', '---', '---']),
      ...groups.map((g) => row([g.key, String(g.count), ms(g.firstMs), ms(g.lastMs)])),
      '',
    ];
  });
}

export function renderRecoveryReport(report: RecoveryReport): string {
  return [
    report.heading,
    '',
    ...targetTable(report),
    '',
    ...runsTable(report.pairs),
    '',
    `Where Ferry's recovery spent its time (from its log, the GitSync's status and the watches; t0 = start of \`kubectl apply -f\` of the recovery manifest):`,
    '',
    ...timelineTable(report.pairs),
    '',
    ...requestsTables(report.pairs),
  ].join('\n');
}
