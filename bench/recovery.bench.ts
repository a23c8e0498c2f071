// Benchmark: disaster recovery (issue 8). The time to rebuild a cluster of 500 objects (10 namespaces × 50,
// the agent benchmark's mix) from Git with Ferry's recovery, against `kubectl apply --server-side` of the
// same files on a fresh cluster; the ratio's target is ≤ 1.5. Each run, in alternating order:
//   Ferry    a cluster enrolled with the built hub (`node hub/dist/main.js`) from its install manifest,
//            synced and healthy; destroyed; `POST /api/v1/clusters/NAME/recover`; a fresh cluster gets
//            the recovery manifest (t0 = start of `kubectl apply -f`) and the Git credential Secret, and
//            the built agent is started from the installed Deployment by the in-cluster runner. t1 = every
//            object present as Git says (watched), t2 = GitSync Ready, t3 = the hub says recovered.
//   kubectl  a fresh cluster, the same files cloned with the git CLI, t0 = start of
//            `kubectl apply --server-side -f <dir> -R`, t1 = kubectl exited and every object present.
// Not a test: prints a Markdown table for bench/RESULTS.md (progress on stderr). Everything it starts is
// stopped at the end, on failure and on Ctrl-C.
//   pnpm bench:recovery   (builds the agent and the hub first; FERRY_BENCH_RECOVERY_RUNS (5),
//                          FERRY_BENCH_RECOVERY_NAMESPACES (10), FERRY_BENCH_RECOVERY_PER_NAMESPACE (50);
//                          for a diagnosis FERRY_BENCH_AGENT_NODE_FLAGS='--cpu-prof --cpu-prof-dir=D'
//                          for the recovered agent, and FERRY_BENCH_KEEP_DIR=1, which keeps the logs)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Harness } from '../test/harness/src/index.ts';
import { benchManifests, MANIFEST_PATH } from './agent-manifests.ts';
import { staleSources } from './stale-build.ts';
import { expectedObjects } from './recovery/expected.ts';
import type { BenchSetup } from './recovery/enroll-cluster.ts';
import { BuiltHub } from './recovery/hub.ts';
import { checkout, measureKubectl, type KubectlRun } from './recovery/measure-kubectl.ts';
import { measureRecovery, type FerryRun } from './recovery/measure-recovery.ts';
import { readParams } from './recovery/params.ts';
import { renderRecoveryReport, type RunPair } from './recovery/report.ts';

const REPO = 'bench-recovery';

/** The commit measured, and whether the agent's, the hub's or shared's source differs from it. */
function builtFrom(buildRoot: string, stale: readonly string[]): string {
  const git = (args: string[]): string =>
    execFileSync('git', args, {
      cwd: buildRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const changed = git(['status', '--porcelain', '--', 'agent/src', 'hub/src', 'shared/src']);
    const newer =
      stale.length === 0 ? '' : `; ${String(stale.length)} agent source files changed after the build`;
    return `${git(['rev-parse', '--short', 'HEAD'])}${changed === '' ? '' : ' with uncommitted changes in agent/src, hub/src or shared/src'}${newer}`;
  } catch {
    return `built in ${buildRoot}, not a Git checkout`;
  }
}

async function main(): Promise<void> {
  const params = readParams();
  const { buildRoot } = params;
  const stale = staleSources(buildRoot);
  if (stale.length > 0)
    process.stderr.write(
      `warning: built before these changed (pnpm bench:recovery builds first): ${stale.join(', ')}\n`,
    );
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-recovery-'));
  const harness = Harness.open(join(dir, 'harness'));
  let hub: BuiltHub | undefined;
  let stopping: Promise<void> | undefined;
  // Agents are stopped by the run that started them; the runner SIGKILLs any left when this process exits.
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await hub?.stop();
      await harness.down();
      if (params.keepDir) process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping the agents, the hub and the harness\n`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await harness.startGit({ users: [{ username: 'bench', password: randomBytes(16).toString('hex') }] });
    const repos = harness.repos();
    await repos.create(REPO, { files: benchManifests(params.namespaces, params.perNamespace) });
    const head = await repos.head(REPO, 'main');
    // What Git says, read from a git CLI checkout: the objects every run waits for.
    const reference = join(dir, 'reference');
    await checkout(repos.urlWithCredentials(REPO), head, reference);
    const expected = expectedObjects(join(reference, MANIFEST_PATH));
    const objects = expected.filter((object) => object.kind !== 'Namespace').length;
    process.stderr.write(
      `Git holds ${String(objects)} objects and ${String(expected.length - objects)} Namespaces\n`,
    );
    hub = await BuiltHub.start(buildRoot, join(dir, 'hub'));
    const setup: BenchSetup = {
      harness,
      hub,
      buildRoot,
      repoUrl: repos.url(REPO),
      head,
      dir: join(dir, 'runs'),
      timeoutMs: params.timeoutMs,
    };

    const pairs: RunPair[] = [];
    for (let run = 0; run < params.runs; run++) {
      const ferryFirst = run % 2 === 0;
      let ferry: FerryRun;
      let kubectl: KubectlRun;
      if (ferryFirst) {
        ferry = await measureRecovery(setup, run, expected, params);
        kubectl = await measureKubectl(setup, run, expected, repos.urlWithCredentials(REPO));
      } else {
        kubectl = await measureKubectl(setup, run, expected, repos.urlWithCredentials(REPO));
        ferry = await measureRecovery(setup, run, expected, params);
      }
      const pair: RunPair = { run, order: ferryFirst ? 'Ferry first' : 'kubectl first', ferry, kubectl };
      pairs.push(pair);
      process.stderr.write(`run ${String(run + 1)}: ${JSON.stringify(pair)}\n`);
    }

    const versions = pairs[0]?.kubectl.versions ?? '';
    const machine = `${String(cpus().length)} × ${cpus()[0]?.model ?? 'cpu'}, ${String(Math.round(totalmem() / 2 ** 30))} GiB`;
    const heading = [
      `### ${new Date().toISOString().slice(0, 10)} — ${machine}, Kubernetes harness with the controller manager (${versions})`,
      '',
      `${String(objects)} objects in ${String(params.namespaces)} namespaces (plus the Namespaces), medians of ${String(params.runs)} runs, the order alternating. The built agent and hub (Node ${process.version}, ${builtFrom(buildRoot, stale)}). Load average (1 min) at start ${loadAtStart.toFixed(1)}, at the end ${(loadavg()[0] ?? 0).toFixed(1)} (${String(cpus().length)} cores).`,
    ].join('\n');
    process.stdout.write(renderRecoveryReport({ heading, objects, namespaces: params.namespaces, pairs }));
  } finally {
    await stop();
  }
}

await main();
