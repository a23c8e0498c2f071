// Measure 3: memory over time. The GitSync's interval goes to 10 s, so the agent syncs (fetch, render,
// plan, health, status; the drift watch goes on) every 10 s; its RSS is sampled every 30 s for the soak.
// The 30 s pause is the sampling interval itself, the one timed wait of the benchmark.
import { setTimeout as delay } from 'node:timers/promises';
import { syncRequests } from './agent-audit.ts';
import type { BenchCluster } from './agent-cluster.ts';
import { loggedSyncs } from './agent-process.ts';
import { cpuSeconds, median, memory, slope, type Memory } from './agent-proc.ts';
import { waitSettled, type SettleTarget } from './agent-settle.ts';

export const SOAK_INTERVAL = '10s';
const SAMPLE_MS = 30_000;

export interface SoakSample extends Memory {
  readonly minutes: number;
}

export interface SoakResult {
  readonly minutes: number;
  readonly samples: readonly SoakSample[];
  /** VmHWM at the end: the peak RSS since the agent started (its first sync included), MB. */
  readonly peak: number;
  readonly syncs: number;
  readonly failedSyncs: number;
  /** The agent's CPU over the soak divided by its syncs, ms (the rest between syncs included). */
  readonly cpuPerSyncMs: number;
  /** Median of the syncs' own durations, ms. */
  readonly syncMs: number;
  readonly requestsPerSync: number;
  /** MB per 10 minutes, least squares over the samples of the second half. */
  readonly slopeSecondHalf: number;
}

export async function soak(
  cluster: BenchCluster,
  target: SettleTarget,
  minutes: number,
): Promise<SoakResult> {
  const before = loggedSyncs(target.agent.logFile).length;
  await waitSettled(target, { syncs: before, what: 'rest before the soak' });
  target.audit.mark();
  const cpu = cpuSeconds(target.agent.pid);
  const started = performance.now();
  const samples: SoakSample[] = [];
  const sample = (): void => {
    const taken = { minutes: (performance.now() - started) / 60_000, ...memory(target.agent.pid) };
    samples.push(taken);
    // Progress on stderr: a soak cut short still leaves its samples.
    process.stderr.write(
      `soak ${taken.minutes.toFixed(1)} min: RSS ${taken.rss.toFixed(1)} MB (anon ${taken.anon.toFixed(1)}), syncs ${String(loggedSyncs(target.agent.logFile).length - before)}\n`,
    );
  };
  await cluster.setInterval(SOAK_INTERVAL);
  sample();
  const end = started + minutes * 60_000;
  while (performance.now() + 1_000 < end) {
    await delay(Math.min(SAMPLE_MS, end - performance.now()));
    sample();
  }
  const syncs = loggedSyncs(target.agent.logFile).slice(before);
  const cpuMs = (cpuSeconds(target.agent.pid) - cpu) * 1000;
  const requests = syncRequests(target.audit.since()).length;
  const secondHalf = samples
    .filter((s) => s.minutes >= minutes / 2)
    .map((s) => ({ x: s.minutes / 10, y: s.rss }));
  return {
    minutes,
    samples,
    peak: memory(target.agent.pid).peak,
    syncs: syncs.length,
    failedSyncs: syncs.filter((s) => s.phase !== 'ready').length,
    cpuPerSyncMs: cpuMs / Math.max(1, syncs.length),
    syncMs: median(syncs.map((s) => s.durationMs)),
    requestsPerSync: requests / Math.max(1, syncs.length),
    slopeSecondHalf: slope(secondHalf),
  };
}
