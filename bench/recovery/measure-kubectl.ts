// kubectl's side of one run: the same files checked out of the same repo with the git CLI (before t0, as
// an operator would have them), a fresh cluster, and t0 = the start of
// `kubectl apply --server-side --field-manager=bench -f <dir> -R` (each file starts with its Namespace,
// and kubectl applies in file order). t1 = kubectl has exited and every object is present as Git says.
// kubectl gets a discovery cache of its own per run: cold, like the agent's.
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST_PATH } from '../agent-manifests.ts';
import { now } from './clock.ts';
import { childrenCpuSeconds, serverCpu } from './cpu.ts';
import type { BenchSetup } from './enroll-cluster.ts';
import type { ExpectedObject } from './expected.ts';
import { ObjectWatch } from './object-watch.ts';
import { waitQuiet } from './quiet.ts';

const run = promisify(execFile);

export interface KubectlRun {
  readonly loadAverage: number;
  readonly quietMs: number;
  /** The git CLI's shallow clone (before t0; not counted). */
  readonly cloneMs: number;
  /** t1 - t0: kubectl exited and every object is present as Git says. The comparable one. */
  readonly objectsMs: number;
  /** From t0: kubectl's exit, and the last object seen (before or after it). */
  readonly exitMs: number;
  readonly lastObjectMs: number;
  /** CPU seconds from t0 to t1: kubectl itself, and the cluster's servers. */
  readonly kubectlCpu: number;
  readonly serverCpu: number;
  /** Lines kubectl printed (one per object it applied). */
  readonly printed: number;
  /** `kubectl version`: the client the kubectl on PATH chose, and the server. */
  readonly versions: string;
}

interface VersionAnswer {
  readonly clientVersion?: { readonly gitVersion?: string };
  readonly serverVersion?: { readonly gitVersion?: string };
}

async function versions(kubeconfig: string): Promise<string> {
  const { stdout } = await run('kubectl', [`--kubeconfig=${kubeconfig}`, 'version', '-o', 'json']);
  const answer = JSON.parse(stdout) as VersionAnswer;
  return `kubectl ${answer.clientVersion?.gitVersion ?? '?'}, server ${answer.serverVersion?.gitVersion ?? '?'}`;
}

/** A shallow clone of `main` with the git CLI into `dir`; checks it is at `head`. */
export async function checkout(url: string, head: string, dir: string): Promise<void> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_TERMINAL_PROMPT: '0' };
  await run('git', ['clone', '--quiet', '--depth', '1', '--branch', 'main', url, dir], { env });
  const { stdout } = await run('git', ['rev-parse', 'HEAD'], { cwd: dir, env });
  if (stdout.trim() !== head) throw new Error(`the clone in ${dir} is at ${stdout.trim()}, not ${head}`);
}

/** One apply on cluster `rec-<run>-kubectl`, which is gone when this returns. */
export async function measureKubectl(
  setup: BenchSetup,
  runIndex: number,
  expected: readonly ExpectedObject[],
  cloneUrl: string,
): Promise<KubectlRun> {
  const { harness, timeoutMs } = setup;
  const cluster = `rec-${String(runIndex)}-kubectl`;
  const files = join(setup.dir, cluster, 'checkout');
  const cloneStarted = now();
  await checkout(cloneUrl, setup.head, files);
  const cloneMs = now() - cloneStarted;

  const record = await harness.addCluster(cluster);
  const kube = harness.kube(cluster);
  let watch: ObjectWatch | undefined;
  try {
    watch = await ObjectWatch.start(kube, expected);
    const quietMs = await waitQuiet(harness, cluster, timeoutMs);
    const loadAverage = loadavg()[0] ?? 0;
    const servers = serverCpu(harness, cluster);
    const serverCpuAtStart = servers();
    const childrenAtStart = childrenCpuSeconds();
    const t0 = now();
    const applied = await run(
      'kubectl',
      [
        `--kubeconfig=${record.kubeconfig}`,
        `--cache-dir=${join(setup.dir, cluster, 'kube-cache')}`,
        'apply',
        '--server-side',
        '--field-manager=bench',
        '-f',
        join(files, MANIFEST_PATH),
        '-R',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const exited = now();
    const kubectlCpu = childrenCpuSeconds() - childrenAtStart;
    const lastObject = await watch.complete(`every object applied by kubectl on ${cluster}`, timeoutMs);
    const serverCpuUsed = servers() - serverCpuAtStart;
    return {
      loadAverage,
      quietMs,
      cloneMs,
      objectsMs: Math.max(exited, lastObject) - t0,
      exitMs: exited - t0,
      lastObjectMs: lastObject - t0,
      kubectlCpu,
      serverCpu: serverCpuUsed,
      printed: applied.stdout.split('\n').filter((line) => line.trim() !== '').length,
      versions: await versions(record.kubeconfig),
    };
  } finally {
    await watch?.stop();
    await kube.close();
    await harness.destroyCluster(cluster);
  }
}
