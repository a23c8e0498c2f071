// Benchmark: the hub at fleet scale (issue 7). A generator process plays N agents (10,000 by default)
// over real websockets from 127.0.0.2, 127.0.0.3, ... against the built `ferry-hub` (`pnpm bench:hub`
// builds it first) in a process of its own; this process seeds the fleet, drives the phases
// (bench/hub-scale/phases.ts), times the fleet list API while the agents report (from a process of its
// own) and, for the floor under those times, the same calls to an idle replica of the API on the same
// store (replica-child.ts), and watches the live event stream for stale clusters. The mix: per agent a
// heartbeat every 30 s, a delta every 60 s and a full report (syncReport + 200-resource snapshot) every
// 5 min, plus bursts of full reports and of heartbeats + deltas, then reconnect storms after hub
// restarts. Not a test: prints a Markdown section for bench/RESULTS.md. Everything it starts is stopped
// by PID at the end, on failure and on Ctrl-C.
//   node --import tsx --conditions=@ferry/source bench/hub-scale.bench.ts
//   FERRY_BENCH_AGENTS=1000 FERRY_BENCH_PHASES=connect,steady ... (bench/hub-scale/params.ts lists them)
//   FERRY_BENCH_HUB_NODE_FLAGS='--cpu-prof --cpu-prof-dir=D' to profile the hub
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DB_FILE_NAME } from '../hub/src/store/index.ts';
import { inPhases, type PhaseMark } from './hub-scale/api-probe.ts';
import { GeneratorProcess } from './hub-scale/generator-proc.ts';
import { freePort, HubProcess } from './hub-scale/hub-proc.ts';
import { parseParams, type ScaleParams } from './hub-scale/params.ts';
import { ProbeProcess } from './hub-scale/probe-proc.ts';
import { ReplicaProcess } from './hub-scale/replica-proc.ts';
import { runPhases, startRssSampler, type PhaseContext } from './hub-scale/phases.ts';
import { renderReport } from './hub-scale/report.ts';
import type { RssSample } from './hub-scale/results.ts';
import { seedFleet } from './hub-scale/seed.ts';
import { startStaleWatch, type StaleWatch } from './hub-scale/stale-watch.ts';
import { REPO_ROOT } from './hub-scale/ws-client.ts';
import { staleSources } from './stale-build.ts';

function progress(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** The commit measured, and whether the built hub is older than its sources. */
function commit(stale: readonly string[]): string {
  const newer = stale.length === 0 ? '' : `; ${String(stale.length)} source files changed after the build`;
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty =
      git(['status', '--porcelain', '--', 'hub/src', 'shared/src']) === ''
        ? ''
        : ' with uncommitted changes in hub/src or shared/src';
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty}${newer}`;
  } catch {
    return 'unknown commit';
  }
}

/** How the generator ran beside the hub: its priority, scheduling policy and Node flags. */
function generatorSetup(params: ScaleParams): string {
  const parts = [
    params.generatorNice > 0 ? `at nice ${String(params.generatorNice)}` : "at the hub's priority",
  ];
  if (params.generatorSched === 'batch') parts.push('SCHED_BATCH');
  if (params.generatorCpus !== '') parts.push(`on CPUs ${params.generatorCpus}`);
  if (params.generatorNodeFlags.length > 0) parts.push(`node ${params.generatorNodeFlags.join(' ')}`);
  return parts.join(', ');
}

function heading(params: ScaleParams, loadAtStart: number, stale: readonly string[]): string {
  const machine = `${String(cpus().length)} × ${cpus()[0]?.model ?? 'cpu'}, ${String(Math.round(totalmem() / 2 ** 30))} GiB`;
  const mix =
    `per agent a heartbeat every ${String(params.heartbeatSeconds)} s, a delta every ${String(params.deltaSeconds)} s and a full report (syncReport + ${String(params.resources)}-resource snapshot) every ${String(params.reportSeconds)} s, ` +
    `under ${String(params.repeats)} bursts of ${String(params.burstSeconds)} s of full reports at ${String(params.snapshotRate)}/s and ${String(params.repeats)} of heartbeats + deltas at ${String(params.lightRate)}/s (${String(Math.round(params.deltaShare * 100))} % deltas), then ${String(params.storms)} reconnect storms after hub restarts`;
  return [
    `### ${new Date().toISOString().slice(0, 10)} — hub scale, ${params.agents.toLocaleString('en-US')} agents — ${machine}`,
    '',
    `the built \`ferry-hub\` (Node ${process.version}, ${commit(stale)}, --stale-after ${String(params.staleAfterSeconds)}s) and the generator (${generatorSetup(params)}) in separate processes on the same machine; ${params.agents.toLocaleString('en-US')} agents from ${String(Math.ceil(params.agents / params.agentsPerAddress))} source addresses. Mix: ${mix}. Load average (1 min) at start ${loadAtStart.toFixed(1)}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const params = parseParams(process.env);
  const stale = staleSources(REPO_ROOT, 'hub');
  if (stale.length > 0)
    process.stderr.write(
      `warning: built before these changed (pnpm bench:hub builds first): ${stale.join(', ')}\n`,
    );
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-hub-'));
  const adminToken = randomBytes(32).toString('base64url');
  let hub: HubProcess | undefined;
  let generator: GeneratorProcess | undefined;
  let probe: ProbeProcess | undefined;
  let replica: ReplicaProcess | undefined;
  let floorProbe: ProbeProcess | undefined;
  let watch: StaleWatch | undefined;
  let stopSampler: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopSampler?.();
      await probe?.stop().catch(() => undefined);
      await floorProbe?.stop().catch(() => undefined);
      await replica?.stop();
      await watch?.stop();
      await generator?.stop();
      await hub?.stop();
      if (params.keepDir) progress(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping the generator and the hub`);
    generator?.kill();
    probe?.kill();
    floorProbe?.kill();
    replica?.kill();
    hub?.kill();
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const dataDir = join(dir, 'hub');
    const agentsFile = join(dir, 'agents.json');
    progress(`seeding ${String(params.agents)} clusters in ${dataDir}`);
    const seeded = seedFleet(join(dataDir, DB_FILE_NAME), params.agents, agentsFile);
    const port = await freePort();
    hub = new HubProcess({
      dataDir,
      port,
      adminToken,
      staleAfterSeconds: params.staleAfterSeconds,
      nodeFlags: params.hubNodeFlags,
      logFile: join(dir, 'hub.log'),
    });
    await hub.start();
    progress(`hub at ${hub.url} (pid ${String(hub.pid)})`);
    generator = await GeneratorProcess.start(
      {
        url: `ws://127.0.0.1:${String(port)}/api/v1/agents/connect`,
        agentsFile,
        agentsPerAddress: params.agentsPerAddress,
        resources: params.resources,
        validateEvery: 100,
      },
      join(dir, 'generator.log'),
      {
        nice: params.generatorNice,
        sched: params.generatorSched,
        nodeFlags: params.generatorNodeFlags,
        cpus: params.generatorCpus,
      },
    );
    let phase = 'start';
    const marks: PhaseMark[] = [];
    const rss: RssSample[] = [];
    probe = await ProbeProcess.start(hub.url, adminToken, params.apiIntervalMs);
    if (params.floor) {
      replica = await ReplicaProcess.start(join(dataDir, DB_FILE_NAME), params.staleAfterSeconds);
      progress(`idle API replica at ${replica.url} (pid ${String(replica.pid)})`);
      floorProbe = await ProbeProcess.start(replica.url, adminToken, params.apiIntervalMs);
    }
    watch = startStaleWatch(hub.url, adminToken, () => phase);
    const context: PhaseContext = {
      params,
      hub,
      generator,
      setPhase: (next) => {
        phase = next;
        marks.push({ at: Date.now(), phase: next });
      },
      rss,
      progress,
    };
    stopSampler = startRssSampler(context, () => phase);
    const phases = await runPhases(context);
    phase = 'end';
    marks.push({ at: Date.now(), phase });
    const generatorStats = await generator.ask({ type: 'stats' }, 'stats');
    stopSampler();
    const measured = inPhases(await probe.stop(), marks);
    const floor = floorProbe === undefined ? undefined : inPhases(await floorProbe.stop(), marks).samples;
    await watch.stop();
    process.stdout.write(
      renderReport({
        params,
        heading: `${heading(params, loadAtStart, stale)} At the end ${(loadavg()[0] ?? 0).toFixed(1)}.`,
        seedMs: seeded.ms,
        connect: phases.connect,
        steady: phases.steady,
        snapshotBursts: phases.snapshotBursts,
        lightBursts: phases.lightBursts,
        storms: phases.storms,
        probe: measured.samples,
        probeStaleHits: measured.staleHits,
        floor,
        staleEvents: watch.staleEvents,
        streamEvents: watch.events,
        rss,
        hubPeakMb: phases.hubPeakMb,
        generator: generatorStats,
      }),
    );
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (hub !== undefined) progress(`hub log tail:\n${hub.logTail()}`);
    process.exitCode = 1;
  } finally {
    await stop();
  }
}

await main();
