// The agent benchmark's Markdown: one table of the three measures against their targets (medians),
// then the raw numbers each median comes from, for bench/RESULTS.md.
import type { DriftRun } from './agent-drift.ts';
import { NAMESPACES, PER_NAMESPACE } from './agent-manifests.ts';
import type { NoopRun } from './agent-noop.ts';
import { median, percentile } from './agent-proc.ts';
import type { SoakResult } from './agent-soak.ts';

export interface FirstSync {
  /** From starting the agent to the GitSync Ready (start-up, bootstrap, Lease, sync, health). */
  readonly readyMs: number;
  /** The sync as the agent timed it: fetch → render → plan → apply → prune. */
  readonly syncMs: number;
  /** The agent's "sync started" to "sync done": with the health wait, status and the drift watch. */
  readonly wholeMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly objects: number;
  /** The triggers of the syncs the agent ran until it was first at rest (one, `start`, expected). */
  readonly triggers: readonly string[];
}

export interface AgentBenchResults {
  readonly heading: string;
  readonly first: FirstSync;
  readonly noop: readonly NoopRun[];
  readonly drift: readonly DriftRun[];
  readonly soak: SoakResult;
}

/** Most MB per 10 minutes the second half of the soak may grow by and still count as flat. */
export const FLAT_MB_PER_10_MIN = 1;

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (value: number): string => value.toFixed(1);
const met = (ok: boolean): string => (ok ? 'yes' : '**no**');
const list = (values: readonly number[]): string => values.map((v) => String(Math.round(v))).join(', ');

export function renderAgentBench(r: AgentBenchResults): string {
  const requests = median(r.noop.map((n) => n.requests));
  const cpu = median(r.noop.map((n) => n.cpuMs));
  const objectWrites = Math.max(...r.noop.map((n) => n.objectWrites));
  const heal = r.drift.map((d) => d.healMs);
  const healMedian = median(heal);
  const rss = r.soak.samples.map((x) => x.rss);
  const first = rss[0] ?? Number.NaN;
  const max = Math.max(...rss);
  const last = rss.at(-1) ?? Number.NaN;
  const limit = (NAMESPACES * PER_NAMESPACE) / 10; // 1 request per 10 managed objects
  const sampleRun = r.noop[Math.floor(r.noop.length / 2)];
  return [
    r.heading,
    '',
    '| measure | result | target | met |',
    '| --- | --- | --- | --- |',
    `| 1. no-op sync: the agent's API requests (Lease renewals aside) | ${String(requests)} | ≤ ${String(limit)} (1 per 10 objects) | ${met(requests <= limit)} |`,
    `| 1. no-op sync: the agent's CPU | ${String(Math.round(cpu))} ms | ≤ 200 ms | ${met(cpu <= 200)} |`,
    `| 1. no-op sync: writes to what Git holds | ${String(objectWrites)} (max) | 0 | ${met(objectWrites === 0)} |`,
    `| 1. no-op sync: time, fetch → prune / the whole sync / annotation → status says handled | ${s(median(r.noop.map((n) => n.applyMs)))} / ${s(median(r.noop.map((n) => n.syncMs)))} / ${s(median(r.noop.map((n) => n.handledMs)))} | | |`,
    `| 2. drift: kubectl edit → Git's value again, median / p90 | ${s(healMedian)} / ${s(percentile(heal, 90))} | median ≤ 2 s | ${met(healMedian <= 2000)} |`,
    `| 2. drift: of which detection / the healing sync (medians) | ${s(median(r.drift.map((d) => d.detectMs)))} / ${s(median(r.drift.map((d) => d.syncMs)))} | | |`,
    `| 3. memory: RSS first / max / last, ${String(r.soak.minutes)} min syncing every 10 s | ${mb(first)} / ${mb(max)} / ${mb(last)} MB | ≤ 100 MB | ${met(max <= 100)} |`,
    `| 3. memory: RSS slope over the second half | ${r.soak.slopeSecondHalf >= 0 ? '+' : ''}${r.soak.slopeSecondHalf.toFixed(2)} MB per 10 min | flat (≤ ${String(FLAT_MB_PER_10_MIN)}) | ${met(r.soak.slopeSecondHalf <= FLAT_MB_PER_10_MIN)} |`,
    '',
    `first sync (${String(r.first.objects)} objects): Ready ${s(r.first.readyMs)} after the agent started, the sync ${s(r.first.wholeMs)} of which fetch → prune ${s(r.first.syncMs)}, agent CPU ${s(r.first.cpuMs)}, RSS after ${mb(r.first.rssMb)} MB; syncs until rest: ${r.first.triggers.join(', ')}`,
    '',
    `no-op syncs (${String(r.noop.length)}): requests ${list(r.noop.map((n) => n.requests))}; agent CPU (ms) ${list(r.noop.map((n) => n.cpuMs))}; fetch → prune (ms) ${list(r.noop.map((n) => n.applyMs))}; the whole sync (ms) ${list(r.noop.map((n) => n.syncMs))}; writes (GitSync status) ${list(r.noop.map((n) => n.writes))}; Lease requests in the window ${list(r.noop.map((n) => n.leaseRequests))}`,
    '',
    `requests of one no-op sync: ${sampleRun?.breakdown ?? ''}`,
    '',
    `drift (${String(r.drift.length)} ConfigMaps), edit → healed (ms): ${list(heal)}; from kubectl's start ${list(r.drift.map((d) => d.fromKubectlMs))}; detection ${list(r.drift.map((d) => d.detectMs))}; healing sync ${list(r.drift.map((d) => d.syncMs))}`,
    '',
    `soak: ${String(r.soak.syncs)} syncs (${String(r.soak.failedSyncs)} not ready), fetch → prune ${s(r.soak.syncMs)} each (median), ${r.soak.requestsPerSync.toFixed(0)} requests and ${String(Math.round(r.soak.cpuPerSyncMs))} ms agent CPU per sync`,
    '',
    `peak RSS since the agent started (VmHWM, first sync included): ${mb(r.soak.peak)} MB`,
    '',
    `RSS samples (min: MB, anon + file): ${r.soak.samples.map((x) => `${x.minutes.toFixed(1)}: ${mb(x.rss)} (${mb(x.anon)} + ${mb(x.file)})`).join(', ')}`,
    '',
  ].join('\n');
}
