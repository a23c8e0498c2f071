// Benchmark: commit → applied through the hub's Git webhook relay (issue 7), against the API server's
// own time. Its own harness (one cluster, the Git server) in a temp dir; a hub from source with a
// webhook secret; one agent enrolled from the hub's install manifest (GitSync interval 1 h: only the
// webhook's refresh hint, or the requested-at annotation, makes it fetch). Rounds of four runs, each
// from rest, timed from start to the value delivered by a watch of the API server:
//   1. webhook:    commit + push over HTTP (t0 = push done), the signed GitHub push to the hub at once
//   2. kubectl:    `kubectl apply --server-side` of the same change to a copy the agent does not manage
//   3. ssa-patch:  the same server-side apply as one PATCH (the API server alone)
//   4. annotation: commit + push, then `ferry.dev/requested-at` on the GitSync (the agent's floor)
// Target: webhook − kubectl < 2 s (median). Not a test: prints a Markdown section for bench/RESULTS.md.
//   pnpm bench:webhook   (FERRY_BENCH_WEBHOOK_RUNS rounds, default 9, after FERRY_BENCH_WEBHOOK_WARMUP,
//                         default 1; FERRY_BENCH_KEEP_DIR=1 keeps the temp dir with the
//                         agent's, the hub's and the harness's logs)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from '../shared/src/protocol/index.ts';
import { Harness } from '../test/harness/src/index.ts';
import { stopChildren } from './webhook/children.ts';
import { startBenchFleet, stopBenchFleet, type BenchFleet } from './webhook/fleet.ts';
import { measureCommit } from './webhook/measure-commit.ts';
import { createReference, measureReference } from './webhook/measure-reference.ts';
import { renderWebhookBench, type Round } from './webhook/report.ts';

const RUNS = Number(process.env.FERRY_BENCH_WEBHOOK_RUNS ?? 9);
const WARMUP = Number(process.env.FERRY_BENCH_WEBHOOK_WARMUP ?? 1);
const KEEP_DIR = process.env.FERRY_BENCH_KEEP_DIR === '1';
const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');
/** The agent acts on one refresh hint per this many ms and drops the others: webhook runs are spaced. */
const HINT_SPACING_MS = DEFAULT_LIMITS.refreshMinIntervalSeconds * 1000 + 250;

const command = (file: string, args: readonly string[]): string => {
  try {
    return execFileSync(file, args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

/** nproc, lscpu's model name, memory, Node, kubectl, and the commit measured. */
function machine(): string {
  const model = /^Model name:\s+(.+)$/m.exec(command('lscpu', []))?.[1] ?? 'unknown CPU';
  const nproc = command('nproc', []) || '?';
  const memory = `${String(Math.round(totalmem() / 2 ** 30))} GiB`;
  const head = command('git', ['rev-parse', '--short', 'HEAD']) || 'unknown commit';
  const dirty = command('git', ['status', '--porcelain', '--', 'agent/src', 'hub/src', 'shared/src']);
  const tree = dirty === '' ? head : `${head} with uncommitted changes in agent/src, hub/src or shared/src`;
  const kubectl = /^Client Version: (\S+)/m.exec(command('kubectl', ['version', '--client']))?.[1] ?? '?';
  return `nproc ${nproc}, ${model}, ${memory}; Node ${process.version}; kubectl ${kubectl}; ${tree}`;
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(WARMUP) || WARMUP < 0)
    throw new Error('FERRY_BENCH_WEBHOOK_RUNS must be at least 1 and FERRY_BENCH_WEBHOOK_WARMUP at least 0');
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-webhook-'));
  const harness = Harness.open(join(dir, 'harness'));
  let bench: BenchFleet | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (bench !== undefined) await stopBenchFleet(bench, KEEP_DIR ? dir : undefined);
      await harness.down();
      // Interrupted while the fleet was starting: its hub and agent are still our children.
      if (bench === undefined) await stopChildren();
      const left = harness.leftovers();
      if (left.length > 0) process.stderr.write(`warning: still running: ${left.join(', ')}\n`);
      if (KEEP_DIR) process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping the hub, the agent and the harness\n`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await harness.startGit({ users: [{ username: 'bench', password: randomBytes(12).toString('hex') }] });
    const started = performance.now();
    const fleet = await startBenchFleet(harness, dir);
    bench = fleet;
    await createReference(fleet, dir);
    process.stderr.write(`hub and agent up in ${String(Math.round(performance.now() - started))} ms\n`);

    const rounds: Round[] = [];
    let lastHintAt = 0;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      if (stopping !== undefined) return; // a signal: stop() is tearing everything down
      const wait = lastHintAt + HINT_SPACING_MS - Date.now();
      if (wait > 0) await delay(wait);
      const webhook = await measureCommit(fleet, { path: 'webhook', value: `webhook-${String(i)}` });
      lastHintAt = webhook.pushedAt + webhook.hintMs;
      const kubectl = await measureReference(fleet, { path: 'kubectl', value: `kubectl-${String(i)}`, dir });
      const ssaPatch = await measureReference(fleet, { path: 'ssa-patch', value: `patch-${String(i)}`, dir });
      const annotation = await measureCommit(fleet, { path: 'annotation', value: `annotation-${String(i)}` });
      rounds.push({ webhook, kubectl, ssaPatch, annotation });
      process.stderr.write(
        `${i < WARMUP ? `warm-up ${String(i + 1)}` : `round ${String(i - WARMUP + 1)}`}: webhook ${String(webhook.appliedMs)} ms, kubectl ${String(kubectl.appliedMs)} ms, PATCH ${String(ssaPatch.appliedMs)} ms, annotation ${String(annotation.appliedMs)} ms\n`,
      );
    }

    const apiserver = command((await harness.binaries()).apiserver, ['--version']) || 'Kubernetes ?';
    const heading = [
      `### ${new Date().toISOString().slice(0, 10)} — ${machine()}`,
      '',
      `One harness cluster (${apiserver}, no controller manager; the simulated kubelet), the harness Git server (git http-backend), a hub from source (\`--log-level debug\`, a webhook secret) and one agent from source (\`FERRY_LOG_LEVEL=debug\`) enrolled from the hub's install manifest and started from its Deployment by the in-cluster runner, GitSync interval 1 h. The repo holds 2 objects (a ConfigMap, a Deployment). ${String(WARMUP)} warm-up round(s), then ${String(RUNS)} rounds of four runs, each from rest (agent, hub, kube-apiserver and etcd idle for 0.5 s), webhook runs at least ${String(HINT_SPACING_MS / 1000)} s apart (the agent drops hints closer than \`refreshMinIntervalSeconds\`, 10 s). Every time is from a start to the new value delivered by a watch of the API server (opened before the start). Commit runs: t0 = the push over HTTP finished, then at once the signed GitHub push delivery to the hub (webhook) or a merge patch of \`ferry.dev/requested-at\` on the GitSync (annotation: what \`kubectl annotate\` sends, without kubectl's start-up). Reference runs, on a copy of the ConfigMap in a namespace the agent does not manage: \`kubectl apply --server-side --field-manager=bench-ref -f <file>\` (start of kubectl → visible), and the same apply as one PATCH over a kept-alive connection. Load average (1 min) at start ${loadAtStart.toFixed(1)}, at the end ${(loadavg()[0] ?? 0).toFixed(1)}.`,
    ].join('\n');
    process.stdout.write(
      renderWebhookBench({ heading, warmup: rounds.slice(0, WARMUP), rounds: rounds.slice(WARMUP) }),
    );
  } finally {
    await stop();
  }
}

await main();
