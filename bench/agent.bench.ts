// Benchmark: the agent runtime, built (`node agent/dist/main.js run`, what a cluster runs), installed
// with `kubectl apply -k deploy/agent` on its own harness cluster with the controller manager and
// following a GitSync of 1,000 mixed objects in 20 namespaces:
//   1. a sync with nothing to do, asked for with `ferry.dev/requested-at` (interval 1 h): the agent's API
//      requests, counted by the API server's audit log (target ≤ 1 per 10 objects), and its CPU (≤ 200 ms)
//   2. drift: `kubectl patch` of a managed ConfigMap until Git's value is back (median ≤ 2 s), p90
//   3. memory: the agent's RSS while it syncs every 10 s, sampled every 30 s (≤ 100 MB, flat)
// Not a test: prints a Markdown table for bench/RESULTS.md.
//   pnpm bench:agent   (builds the agent first; FERRY_BENCH_SOAK_MINUTES=60 for the hour-long soak,
//                       FERRY_BENCH_NOOP_RUNS, FERRY_BENCH_DRIFT_RUNS for more runs; for a diagnosis
//                       FERRY_BENCH_AGENT_NODE_FLAGS and FERRY_BENCH_KEEP_DIR=1, which keeps the logs)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness } from '../test/harness/src/index.ts';
import { AuditLog, auditApiserverArgs } from './agent-audit.ts';
import { BenchCluster } from './agent-cluster.ts';
import { measureDrift, type DriftRun } from './agent-drift.ts';
import { benchManifests, NAMESPACES, PER_NAMESPACE } from './agent-manifests.ts';
import { measureNoop, type NoopRun } from './agent-noop.ts';
import { loggedSyncs, startBuiltAgent, type RunningAgent } from './agent-process.ts';
import { staleSources } from './stale-build.ts';
import { cpuSeconds, memory } from './agent-proc.ts';
import { renderAgentBench } from './agent-report.ts';
import { waitSettled, type SettleTarget } from './agent-settle.ts';
import { soak } from './agent-soak.ts';

const NOOP_RUNS = Number(process.env.FERRY_BENCH_NOOP_RUNS ?? 5);
const DRIFT_RUNS = Number(process.env.FERRY_BENCH_DRIFT_RUNS ?? 12);
const SOAK_MINUTES = Number(process.env.FERRY_BENCH_SOAK_MINUTES ?? 10);
/** For a diagnosis only: node flags for the agent (`--trace-gc`, `--cpu-prof --cpu-prof-dir=D`). */
const AGENT_NODE_FLAGS = (process.env.FERRY_BENCH_AGENT_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
/** Keep the temp dir (the agent's log, the audit log) after stopping everything, and say where. */
const KEEP_DIR = process.env.FERRY_BENCH_KEEP_DIR === '1';
const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
const CLUSTER = 'bench';
const REPO = 'bench-agent';
const GIT_TOKEN = 'bench-token';

/** The commit measured, and whether the agent's or shared's source differs from it or from the build. */
function builtFrom(stale: readonly string[]): string {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    const changed = git(['status', '--porcelain', '--', 'agent/src', 'shared/src']);
    const newer = stale.length === 0 ? '' : `; ${String(stale.length)} source files changed after the build`;
    return `${git(['rev-parse', '--short', 'HEAD'])}${changed === '' ? '' : ' with uncommitted changes in agent/src or shared/src'}${newer}`;
  } catch {
    return 'unknown commit';
  }
}

async function main(): Promise<void> {
  const stale = staleSources(REPO_ROOT);
  if (stale.length > 0)
    process.stderr.write(
      `warning: built before these changed (pnpm bench:agent builds first): ${stale.join(', ')}\n`,
    );
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-agent-'));
  const harness = Harness.open(join(dir, 'harness'));
  let agent: RunningAgent | undefined;
  let cluster: BenchCluster | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await agent?.process.stop();
      await cluster?.close();
      await harness.down();
      if (KEEP_DIR) process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping the agent and the harness\n`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await harness.startGit({ tokens: [GIT_TOKEN] });
    const audit = auditApiserverArgs(dir);
    await harness.addCluster(CLUSTER, { controllerManager: true, apiserverArgs: audit.args });
    cluster = new BenchCluster(harness, CLUSTER);
    const repos = harness.repos();
    await repos.create(REPO, { files: benchManifests() });
    const head = await repos.head(REPO, 'main');
    await cluster.installAgent(REPO_ROOT, repos.url(REPO), GIT_TOKEN);

    // The first sync: 1,000 objects created, then Ready once the Deployments are available.
    const started = performance.now();
    const running = await startBuiltAgent(harness, CLUSTER, REPO_ROOT, join(dir, 'agent'), AGENT_NODE_FLAGS);
    agent = running;
    const view = await cluster.waitReady(head, 600_000, running);
    const readyMs = performance.now() - started;
    const state = harness.state();
    const record = harness.cluster(CLUSTER);
    const target: SettleTarget = {
      agent: running,
      serverPids: [record.apiserver.pid, record.controllerManager?.pid, state.etcd?.process.pid].filter(
        (pid): pid is number => pid !== undefined,
      ),
      audit: new AuditLog(audit.logFile),
    };
    await waitSettled(target, { syncs: 1, what: 'rest after the first sync', timeoutMs: 300_000 });
    const startSyncs = loggedSyncs(running.logFile);
    const firstSync = startSyncs[0];
    const first = {
      readyMs,
      syncMs: firstSync?.durationMs ?? Number.NaN,
      wholeMs: firstSync === undefined ? Number.NaN : firstSync.endedAt - firstSync.startedAt,
      cpuMs: cpuSeconds(running.pid) * 1000,
      rssMb: memory(running.pid).rss,
      objects: view.status?.inventory?.objects ?? NAMESPACES * (PER_NAMESPACE + 1),
      triggers: startSyncs.map((sync) => sync.trigger),
    };
    process.stderr.write(`first sync Ready in ${String(Math.round(readyMs))} ms\n`);

    const noop: NoopRun[] = [];
    for (let run = 0; run < NOOP_RUNS; run++) {
      noop.push(await measureNoop(cluster, target));
      process.stderr.write(`no-op ${String(run + 1)}: ${JSON.stringify(noop.at(-1))}\n`);
    }
    const drift: DriftRun[] = [];
    for (let trial = 0; trial < DRIFT_RUNS; trial++) {
      drift.push(await measureDrift(cluster, target, trial));
      process.stderr.write(`drift ${String(trial + 1)}: ${JSON.stringify(drift.at(-1))}\n`);
    }
    process.stderr.write(`soak: ${String(SOAK_MINUTES)} min\n`);
    const soaked = await soak(cluster, target, SOAK_MINUTES);

    const machine = `${String(cpus().length)} × ${cpus()[0]?.model ?? 'cpu'}, ${String(Math.round(totalmem() / 2 ** 30))} GiB`;
    const heading = [
      `### ${new Date().toISOString().slice(0, 10)} — ${machine}, Kubernetes 1.20 harness with the controller manager`,
      '',
      `The built agent (\`node agent/dist/main.js run\`, Node ${process.version}, ${builtFrom(stale)}) under the in-cluster runner; medians of ${String(NOOP_RUNS)} no-op syncs and ${String(DRIFT_RUNS)} drift edits; a ${String(SOAK_MINUTES)}-minute soak. Load average (1 min) at start ${loadAtStart.toFixed(1)}, at the end ${(loadavg()[0] ?? 0).toFixed(1)} (${String(cpus().length)} cores).`,
    ].join('\n');
    process.stdout.write(renderAgentBench({ heading, first, noop, drift, soak: soaked }));
  } finally {
    await stop();
  }
}

await main();
