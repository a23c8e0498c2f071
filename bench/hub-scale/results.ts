// What one run of the hub scale benchmark measured, as data for report.ts, and the arithmetic that turns
// a burst's counts into an ingest rate.
import type { ProbeSample, ProbeStaleHit } from './api-probe.ts';
import type { BurstResult, ConnectResult, GeneratorStats, StormResult } from './ipc.ts';
import type { ScaleParams } from './params.ts';
import type { StaleEvent } from './stale-watch.ts';

export interface PhaseCost {
  /** Hub CPU seconds over the phase, and the phase's wall time, s. */
  readonly hubCpuS: number;
  readonly generatorCpuS: number;
  readonly wallS: number;
  /** Hub RSS at the end of the phase, MB. */
  readonly hubRssMb: number;
}

export interface MeasuredBurst {
  readonly result: BurstResult;
  readonly cost: PhaseCost;
}

export interface MeasuredStorm {
  readonly result: StormResult;
  /** SIGTERM to exit of the old hub, and start to /healthz of the new one, ms. */
  readonly stopMs: number;
  readonly startMs: number;
  readonly cost: PhaseCost;
}

export interface RssSample {
  readonly phase: string;
  readonly seconds: number;
  readonly hubMb: number;
  readonly generatorMb: number;
}

export interface RunResults {
  readonly params: ScaleParams;
  readonly heading: string;
  readonly seedMs: number;
  readonly connect: { readonly result: ConnectResult; readonly cost: PhaseCost } | undefined;
  readonly steady: { readonly seconds: number; readonly cost: PhaseCost } | undefined;
  readonly snapshotBursts: readonly MeasuredBurst[];
  readonly lightBursts: readonly MeasuredBurst[];
  readonly storms: readonly MeasuredStorm[];
  readonly probe: readonly ProbeSample[];
  readonly probeStaleHits: readonly ProbeStaleHit[];
  /** The same calls against an idle replica of the API (FERRY_BENCH_FLOOR), when it ran. */
  readonly floor: readonly ProbeSample[] | undefined;
  readonly staleEvents: readonly StaleEvent[];
  readonly streamEvents: ReadonlyMap<string, number>;
  readonly rss: readonly RssSample[];
  /** VmHWM of the hub process at its last stop (or the end), MB. */
  readonly hubPeakMb: number;
  readonly generator: GeneratorStats;
}

/**
 * Messages acked per second over the burst: from its first send to its last ack. Heartbeats are acked
 * only by a cumulative ack of a later message of their link, so a burst's heartbeats end with a
 * covering delta per link (sent after the window, in `cover`); the hub ingests those too, within the
 * same span, so they count with the deltas.
 */
export function ingestRate(
  burst: BurstResult,
  kinds: readonly ('heartbeat' | 'delta' | 'snapshot')[],
): number {
  const covered = kinds.includes('delta') ? (burst.cover.byKind.delta?.acked ?? 0) : 0;
  const acked = kinds.reduce((sum, kind) => sum + (burst.stats.byKind[kind]?.acked ?? 0), covered);
  const lastAck = Number.isNaN(burst.cover.lastAckedAt)
    ? burst.stats.lastAckedAt
    : Math.max(burst.stats.lastAckedAt, burst.cover.lastAckedAt);
  const seconds = (lastAck - burst.stats.firstSentAt) / 1000;
  return seconds > 0 ? acked / seconds : Number.NaN;
}

/** Sent, acked and lost over the given kinds; all acknowledged when sent = acked. */
export function ackCounts(
  burst: BurstResult,
  kinds: readonly ('heartbeat' | 'delta' | 'snapshot' | 'syncReport')[],
): { readonly sent: number; readonly acked: number; readonly lost: number } {
  let sent = 0;
  let acked = 0;
  let lost = 0;
  for (const kind of kinds) {
    const stats = burst.stats.byKind[kind];
    sent += stats?.sent ?? 0;
    acked += stats?.acked ?? 0;
    lost += stats?.lost ?? 0;
  }
  return { sent, acked, lost };
}
