// Benchmark: Ferry's sync against `kubectl apply --server-side` on the same harness cluster, same run.
//   (a) first sync of 1,000 mixed objects in 20 namespaces vs kubectl on fresh namespaces (ratio; target ≤ 0.5)
//   (b) a second sync with nothing changed: writes (must be 0), requests and time
//   (c) a sync after one object changed: time (target under 1 s)
// Not a test: it prints medians of RUNS runs (default 3) as a Markdown table for bench/RESULTS.md.
//   pnpm bench            (FERRY_BENCH_RUNS=5 pnpm bench for more runs)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_APPLY_REVISION_OPTIONS } from '../agent/src/engine/apply-revision.ts';
import { connect, KubeApiClient } from '../agent/src/kube/index.ts';
import { protectedRefs } from '../agent/src/protected.ts';
import { DEFAULT_DELETION_BUDGET } from '../agent/src/prune/types.ts';
import { DEFAULT_RENDER_OPTIONS, ParseCache } from '../agent/src/render/index.ts';
import { DEFAULT_FETCH_SOURCE_OPTIONS, parseRefSpec } from '../agent/src/source/index.ts';
import { syncOnce, type SyncOptions } from '../agent/src/sync.ts';
import { Harness } from '../test/harness/src/index.ts';

const RUNS = Number(process.env.FERRY_BENCH_RUNS ?? 3);
const NAMESPACES = 20;
const PER_NAMESPACE = 50; // 20 × 50 = 1,000 objects (plus the 20 Namespaces)

/** 1,000 mixed objects: ConfigMaps, Secrets, Services, Deployments, ServiceAccounts, Roles, RoleBindings. */
function manifests(prefix: string): Map<string, string> {
  const files = new Map<string, string>();
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`;
    const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`];
    for (let i = 0; i < PER_NAMESPACE; i++) {
      const name = `obj-${i}`;
      switch (i % 7) {
        case 0:
          docs.push(
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  key: value-${i}\n`,
          );
          break;
        case 1:
          docs.push(
            `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: not-a-real-secret-${i}\n`,
          );
          break;
        case 2:
          docs.push(
            `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n    protocol: TCP\n`,
          );
          break;
        case 3:
          docs.push(
            `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n      containers:\n      - name: app\n        image: example.invalid/app:1\n        ports:\n        - containerPort: 8080\n          protocol: TCP\n`,
          );
          break;
        case 4:
          docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`);
          break;
        case 5:
          docs.push(
            `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n`,
          );
          break;
        default:
          docs.push(
            `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: obj-5\nsubjects:\n- kind: ServiceAccount\n  name: obj-4\n  namespace: ${ns}\n`,
          );
      }
    }
    files.set(`deploy/${ns}.yaml`, docs.join('---\n'));
  }
  return files;
}

/** CPU seconds used so far by a process (utime + stime), or by this process's waited-for children. */
function cpuSeconds(pid: number | 'self', children = false): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime, stime are fields 14, 15; cutime, cstime 16, 17.
  const at = children ? 13 : 11;
  return (Number(fields[at]) + Number(fields[at + 1])) / 100;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface Results {
  readonly ferryFirst: number[];
  readonly kubectl: number[];
  readonly ferryClientCpu: number[];
  readonly ferryServerCpu: number[];
  readonly kubectlClientCpu: number[];
  readonly kubectlServerCpu: number[];
  readonly noop: number[];
  readonly noopRequests: number[];
  readonly noopWrites: number[];
  readonly one: number[];
  readonly quiet: number[];
  readonly timings: string[];
}

/** RUNS runs of kubectl then Ferry on one harness cluster; repos and caches are named by `label`. */
async function measure(harness: Harness, dir: string, clusterName: string, gitUrl: string): Promise<Results> {
  const results: Results = {
    ferryFirst: [],
    kubectl: [],
    ferryClientCpu: [],
    ferryServerCpu: [],
    kubectlClientCpu: [],
    kubectlServerCpu: [],
    noop: [],
    noopRequests: [],
    noopWrites: [],
    one: [],
    quiet: [],
    timings: [],
  };
  const state = harness.state();
  const cluster = harness.cluster(clusterName);
  const serverPids = [cluster.apiserver.pid, cluster.controllerManager?.pid, state.etcd?.process.pid].filter(
    (pid): pid is number => pid !== undefined,
  );
  const serverCpu = (): number => serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  // Each side starts on a quiet cluster: the controllers' work after the previous apply (token Secrets for
  // ServiceAccounts, ReplicaSets for Deployments) would otherwise be charged to the next measurement.
  const waitQuiet = async (): Promise<void> => {
    const started = performance.now();
    for (let last = serverCpu(); performance.now() - started < 60_000;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = serverCpu();
      if (now - last < 0.05) break; // under 10% of one core for half a second
      last = now;
    }
    results.quiet.push(performance.now() - started);
  };

  for (let run = 0; run < RUNS; run++) {
    const label = `${clusterName}-${run}`;
    // kubectl on fresh namespaces of the same cluster.
    const kubectlDir = join(dir, `kubectl-${label}`);
    mkdirSync(kubectlDir, { recursive: true });
    for (const [path, text] of manifests(`k${run}`))
      writeFileSync(join(kubectlDir, path.replace('deploy/', '')), text);
    await waitQuiet();
    let server = serverCpu();
    const children = cpuSeconds('self', true);
    let started = performance.now();
    // kubectl applies files in name order and does not stage: each file starts with its Namespace.
    execFileSync(
      'kubectl',
      [
        `--kubeconfig=${cluster.kubeconfig}`,
        'apply',
        '--server-side',
        '--field-manager=bench',
        '-f',
        kubectlDir,
      ],
      { stdio: 'ignore' },
    );
    results.kubectl.push(performance.now() - started);
    results.kubectlServerCpu.push(serverCpu() - server);
    results.kubectlClientCpu.push(cpuSeconds('self', true) - children);

    const repo = `bench-${label}`;
    const files = Object.fromEntries(manifests(`f${run}`));
    await harness.repos().create(repo, { files });
    const counts = { all: 0, writes: 0 };
    const kube = new KubeApiClient(await connect({ kubeconfig: cluster.kubeconfig }), {
      connections: 16,
      timeoutMs: 60_000,
      onRequest: (method, path) => {
        counts.all++;
        if (method !== 'GET' && !path.includes('dryRun=All')) counts.writes++;
      },
    });
    const options: SyncOptions = {
      source: {
        url: `${gitUrl}/${repo}.git`,
        ref: parseRefSpec('main'),
        path: 'deploy',
        auth: { kind: 'bearer', token: 'bench-token' },
      },
      fetch: { ...DEFAULT_FETCH_SOURCE_OPTIONS, cacheDir: join(dir, `cache-${label}`) },
      render: DEFAULT_RENDER_OPTIONS,
      // The agent's loop keeps parsed files between syncs; so does this run.
      parseCache: new ParseCache(),
      apply: DEFAULT_APPLY_REVISION_OPTIONS,
      owner: { namespace: 'ferry-bench', name: repo },
      inventory: { namespace: 'ferry-bench', name: `${repo}-inventory` },
      prune: {
        enabled: true,
        allowEmpty: false,
        budget: DEFAULT_DELETION_BUDGET,
        allowedRevision: undefined,
      },
      protectedRefs: protectedRefs('ferry-bench'),
      ensureNamespace: true,
    };
    await waitQuiet();
    server = serverCpu();
    const own = process.cpuUsage();
    started = performance.now();
    const first = await syncOnce(kube, options);
    results.ferryFirst.push(performance.now() - started);
    results.ferryServerCpu.push(serverCpu() - server);
    const used = process.cpuUsage(own);
    results.ferryClientCpu.push((used.user + used.system) / 1e6);
    results.timings.push(`first ${JSON.stringify(first.timings)}`);
    if (first.result !== 'applied') {
      const failed = first.changeSet.filter((entry) => entry.action === 'failed').slice(0, 5);
      throw new Error(`first sync: ${JSON.stringify(first.failure)} ${JSON.stringify(failed)}`);
    }

    counts.all = 0;
    counts.writes = 0;
    started = performance.now();
    const noop = await syncOnce(kube, options);
    results.noop.push(performance.now() - started);
    results.noopRequests.push(counts.all);
    results.noopWrites.push(counts.writes);
    results.timings.push(`noop ${JSON.stringify(noop.timings)}`);
    if (noop.changeSet.some((entry) => entry.action !== 'unchanged'))
      throw new Error('second sync changed something');

    const path = `deploy/f${run}-7.yaml`;
    await harness
      .repos()
      .commit(repo, { [path]: (files[path] ?? '').replace('key: value-0', 'key: changed') });
    started = performance.now();
    const one = await syncOnce(kube, options);
    results.one.push(performance.now() - started);
    results.timings.push(`one ${JSON.stringify(one.timings)}`);
    if (one.changeSet.filter((entry) => entry.action === 'configured').length !== 1)
      throw new Error('one change expected');
    await kube.close();
  }
  return results;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function table(title: string, results: Results): string {
  const ferry = median(results.ferryFirst);
  const kubectl = median(results.kubectl);
  const cpu = (client: number[], server: number[]): string =>
    `${median(client).toFixed(2)} / ${median(server).toFixed(2)}`;
  return [
    `#### ${title}`,
    '',
    '| measure | Ferry | kubectl apply --server-side | ratio (Ferry / kubectl) | target |',
    '| --- | --- | --- | --- | --- |',
    `| (a) first sync, ${NAMESPACES * PER_NAMESPACE} objects + ${NAMESPACES} namespaces | ${seconds(ferry)} | ${seconds(kubectl)} | ${(ferry / kubectl).toFixed(2)} | ≤ 0.5 |`,
    `| CPU seconds during (a): client / cluster | ${cpu(results.ferryClientCpu, results.ferryServerCpu)} | ${cpu(results.kubectlClientCpu, results.kubectlServerCpu)} | | |`,
    `| (b) second sync, nothing changed | ${seconds(median(results.noop))}, ${median(results.noopRequests)} requests, ${median(results.noopWrites)} writes | | | 0 writes |`,
    `| (c) one object changed | ${seconds(median(results.one))} | | | < 1 s |`,
    '',
    `raw (ms): ferry first ${results.ferryFirst.map(Math.round).join(', ')}; kubectl ${results.kubectl.map(Math.round).join(', ')}; noop ${results.noop.map(Math.round).join(', ')}; one ${results.one.map(Math.round).join(', ')}`,
    '',
    `waits for a quiet cluster (ms): ${results.quiet.map(Math.round).join(', ')}`,
    '',
    `step timings (ms): ${results.timings.join('; ')}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const harness = Harness.open(join(dir, 'harness'));
  const stop = async (): Promise<void> => {
    await harness.down();
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    const git = await harness.startGit({ tokens: ['bench-token'] });
    // With the controller manager, as a cluster is; without it, the cluster does only what the two tools
    // ask (no ReplicaSets, Endpoints or token Secrets made in reaction on the same two cores).
    await harness.addCluster('bench');
    const full = await measure(harness, dir, 'bench', git.url);
    await harness.destroyCluster('bench');
    await harness.addCluster('bare', { controllerManager: false });
    const bare = await measure(harness, dir, 'bare', git.url);
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
    process.stdout.write(
      [
        `### ${new Date().toISOString().slice(0, 10)} — ${machine}, Kubernetes 1.20 harness, medians of ${RUNS} runs`,
        '',
        table('With the controller manager', full),
        table('API server and etcd only', bare),
      ].join('\n'),
    );
  } finally {
    await stop();
  }
}

await main();
