// The benchmark's phases, in order, each one measured: connect every agent; the steady mix alone; bursts
// of full reports; bursts of heartbeats and deltas; reconnect storms after hub restarts. The steady mix
// runs under every burst. Hub and generator CPU and RSS are read from /proc around each phase.
import { cpuSeconds, memory } from '../agent-proc.ts';
import type { GeneratorProcess } from './generator-proc.ts';
import type { HubProcess } from './hub-proc.ts';
import type { ScaleParams } from './params.ts';
import type { MeasuredBurst, MeasuredStorm, PhaseCost, RssSample } from './results.ts';
import type { StreamSpec } from './scheduler.ts';
import type { ConnectResult } from './ipc.ts';

export interface PhaseContext {
  readonly params: ScaleParams;
  readonly hub: HubProcess;
  readonly generator: GeneratorProcess;
  /** The phase the probes file their samples under. */
  setPhase(phase: string): void;
  readonly rss: RssSample[];
  progress(line: string): void;
}

export interface PhaseResults {
  connect?: { readonly result: ConnectResult; readonly cost: PhaseCost };
  steady?: { readonly seconds: number; readonly cost: PhaseCost };
  readonly snapshotBursts: MeasuredBurst[];
  readonly lightBursts: MeasuredBurst[];
  readonly storms: MeasuredStorm[];
  hubPeakMb: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function safeCpu(pid: number | undefined): number {
  try {
    return pid === undefined ? 0 : cpuSeconds(pid);
  } catch {
    return 0;
  }
}

function safeRss(pid: number | undefined): { rss: number; peak: number } {
  try {
    return pid === undefined ? { rss: Number.NaN, peak: Number.NaN } : memory(pid);
  } catch {
    return { rss: Number.NaN, peak: Number.NaN };
  }
}

/** Measures CPU and wall time of `run` (on one hub process) and the hub's RSS at its end. */
async function measured<T>(
  context: PhaseContext,
  run: () => Promise<T>,
): Promise<{ value: T; cost: PhaseCost }> {
  const hubCpu = safeCpu(context.hub.pid);
  const generatorCpu = safeCpu(context.generator.pid);
  const started = performance.now();
  const value = await run();
  return {
    value,
    cost: {
      hubCpuS: safeCpu(context.hub.pid) - hubCpu,
      generatorCpuS: safeCpu(context.generator.pid) - generatorCpu,
      wallS: (performance.now() - started) / 1000,
      hubRssMb: safeRss(context.hub.pid).rss,
    },
  };
}

export function steadyStreams(params: ScaleParams): StreamSpec[] {
  const { agents } = params;
  return [
    { kind: 'heartbeat', rate: agents / params.heartbeatSeconds, tag: 'steady' },
    { kind: 'delta', rate: agents / params.deltaSeconds, tag: 'steady' },
    { kind: 'report', rate: agents / params.reportSeconds, tag: 'steady' },
  ];
}

/** Samples hub and generator RSS every second until stopped. */
export function startRssSampler(context: PhaseContext, phase: () => string): () => void {
  const started = performance.now();
  const timer = setInterval(() => {
    context.rss.push({
      phase: phase(),
      seconds: (performance.now() - started) / 1000,
      hubMb: safeRss(context.hub.pid).rss,
      generatorMb: safeRss(context.generator.pid).rss,
    });
  }, 1000);
  return () => {
    clearInterval(timer);
  };
}

export async function runPhases(context: PhaseContext): Promise<PhaseResults> {
  const { params, hub, generator } = context;
  const results: PhaseResults = { snapshotBursts: [], lightBursts: [], storms: [], hubPeakMb: Number.NaN };
  const wants = (phase: ScaleParams['phases'][number]): boolean => params.phases.includes(phase);
  const drainMs = params.drainTimeoutSeconds * 1000;

  // The steady mix runs from the start: an agent heartbeats and reports as soon as it is welcomed.
  const steady = steadyStreams(params);
  await generator.ask({ type: 'background', streams: steady }, 'ok');
  context.setPhase('connect');
  context.progress(`connecting ${String(params.agents)} agents at ${String(params.connectRate)}/s`);
  const timeoutMs = Math.max(
    240_000,
    params.connectRate > 0 ? (params.agents / params.connectRate) * 3000 : 0,
  );
  const connect = await measured(context, () =>
    generator.ask(
      {
        type: 'connect',
        tag: 'connect',
        rate: params.connectRate,
        concurrency: params.connectConcurrency,
        timeoutMs,
      },
      'connected',
    ),
  );
  results.connect = { result: connect.value, cost: connect.cost };
  context.progress(`connected: ${JSON.stringify({ ...connect.value, snapshots: undefined })}`);

  if (wants('steady')) {
    context.setPhase('steady');
    context.progress(`steady mix for ${String(params.steadySeconds)} s`);
    const run = await measured(context, () => sleep(params.steadySeconds * 1000));
    results.steady = { seconds: params.steadySeconds, cost: run.cost };
  }

  if (wants('snapshot')) {
    for (let i = 1; i <= params.repeats; i++) {
      const tag = `snapshot-${String(i)}`;
      context.setPhase(tag);
      const streams: StreamSpec[] = [{ kind: 'report', rate: params.snapshotRate, tag }];
      const run = await measured(context, () =>
        generator.ask(
          { type: 'burst', tag, streams, seconds: params.burstSeconds, timeoutMs: drainMs },
          'burst-done',
        ),
      );
      results.snapshotBursts.push({ result: run.value, cost: run.cost });
      context.progress(
        `${tag}: ${JSON.stringify(run.value.stats.byKind.snapshot)} drain ${String(Math.round(run.value.drainMs))} ms`,
      );
      context.setPhase('pause');
      await sleep(3000);
    }
  }

  if (wants('light')) {
    for (let i = 1; i <= params.repeats; i++) {
      const tag = `light-${String(i)}`;
      context.setPhase(tag);
      const streams: StreamSpec[] = [
        { kind: 'heartbeat', rate: params.lightRate * (1 - params.deltaShare), tag },
        { kind: 'delta', rate: params.lightRate * params.deltaShare, tag },
      ].filter((stream) => stream.rate > 0) as StreamSpec[];
      const run = await measured(context, () =>
        generator.ask(
          { type: 'burst', tag, streams, seconds: params.burstSeconds, timeoutMs: drainMs },
          'burst-done',
        ),
      );
      results.lightBursts.push({ result: run.value, cost: run.cost });
      context.progress(
        `${tag}: heartbeat ${JSON.stringify(run.value.stats.byKind.heartbeat)} delta ${JSON.stringify(run.value.stats.byKind.delta)} drain ${String(Math.round(run.value.drainMs))} ms`,
      );
      context.setPhase('pause');
      await sleep(3000);
    }
  }

  if (wants('storm')) {
    for (let i = 1; i <= params.storms; i++) {
      const tag = `storm-${String(i)}`;
      context.setPhase(`${tag}-restart`);
      await generator.ask({ type: 'background', streams: [] }, 'ok');
      await generator.ask({ type: 'drain', timeoutMs: drainMs }, 'ok');
      await generator.ask({ type: 'reconnect', policy: 'hold' }, 'ok');
      results.hubPeakMb = Math.max(
        Number.isNaN(results.hubPeakMb) ? 0 : results.hubPeakMb,
        safeRss(hub.pid).peak,
      );
      const stopStarted = performance.now();
      await hub.stop();
      const stopMs = performance.now() - stopStarted;
      await generator.ask({ type: 'await-down', timeoutMs: 60_000 }, 'ok');
      const startStarted = performance.now();
      await hub.start();
      const startMs = performance.now() - startStarted;
      // The agents go on with the steady mix as each is welcomed again (heartbeats keep their links).
      await generator.ask({ type: 'background', streams: steady }, 'ok');
      context.setPhase(tag);
      context.progress(
        `${tag}: hub restarted in ${String(Math.round(startMs))} ms; every agent connects now`,
      );
      const run = await measured(context, () =>
        generator.ask({ type: 'storm', tag, timeoutMs: 120_000 }, 'storm-done'),
      );
      results.storms.push({ result: run.value, stopMs, startMs, cost: run.cost });
      context.progress(`${tag}: ${JSON.stringify({ ...run.value, stats: undefined })}`);
      // The grace period after a start hides stale: watch on until it is over.
      context.setPhase(`${tag}-after`);
      const graceLeft = startStarted + params.staleAfterSeconds * 1000 + 15_000 - performance.now();
      if (i === params.storms && graceLeft > 0) {
        context.progress(`watching for stale clusters for ${String(Math.round(graceLeft / 1000))} s`);
        await sleep(graceLeft);
      }
    }
  }
  results.hubPeakMb = Math.max(
    Number.isNaN(results.hubPeakMb) ? 0 : results.hubPeakMb,
    safeRss(hub.pid).peak,
  );
  return results;
}
