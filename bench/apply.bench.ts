// Benchmark: Ferry's sync against `kubectl apply --server-side` on the same harness cluster, same run.
//   (a) first sync of 1,000 mixed objects in 20 namespaces vs kubectl on fresh namespaces (ratio; target ≤ 0.5)
//   (b) a second sync with nothing changed: writes (must be 0), requests and time
//   (c) a sync after one object changed: time (target under 1 s)
// Not a test: it prints medians of RUNS runs (default 3) as a Markdown table for bench/RESULTS.md.
//   pnpm bench            (FERRY_BENCH_RUNS=5 pnpm bench for more runs)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const harness = Harness.open(join(dir, 'harness'));
  const stop = async (): Promise<void> => {
    await harness.down();
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    await harness.addCluster('bench');
    const git = await harness.startGit({ tokens: ['bench-token'] });
    const kubeconfig = harness.cluster('bench').kubeconfig;
    const timings: string[] = [];
    const results = {
      ferryFirst: [] as number[],
      kubectl: [] as number[],
      noop: [] as number[],
      noopRequests: [] as number[],
      noopWrites: [] as number[],
      one: [] as number[],
    };

    for (let run = 0; run < RUNS; run++) {
      // kubectl on fresh namespaces of the same cluster.
      const kubectlDir = join(dir, `kubectl-${run}`);
      mkdirSync(kubectlDir, { recursive: true });
      for (const [path, text] of manifests(`k${run}`))
        writeFileSync(join(kubectlDir, path.replace('deploy/', '')), text);
      let started = performance.now();
      // Namespaces first (kubectl applies files in name order and does not stage).
      execFileSync(
        'kubectl',
        [`--kubeconfig=${kubeconfig}`, 'apply', '--server-side', '--field-manager=bench', '-f', kubectlDir],
        { stdio: 'ignore' },
      );
      results.kubectl.push(performance.now() - started);

      const repo = `bench-${run}`;
      const files = Object.fromEntries(manifests(`f${run}`));
      await harness.repos().create(repo, { files });
      const counts = { all: 0, writes: 0 };
      const kube = new KubeApiClient(await connect({ kubeconfig }), {
        connections: 16,
        timeoutMs: 60_000,
        onRequest: (method, path) => {
          counts.all++;
          if (method !== 'GET' && !path.includes('dryRun=All')) counts.writes++;
        },
      });
      const options: SyncOptions = {
        source: {
          url: `${git.url}/${repo}.git`,
          ref: parseRefSpec('main'),
          path: 'deploy',
          auth: { kind: 'bearer', token: 'bench-token' },
        },
        fetch: { ...DEFAULT_FETCH_SOURCE_OPTIONS, cacheDir: join(dir, `cache-${run}`) },
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
      started = performance.now();
      const first = await syncOnce(kube, options);
      results.ferryFirst.push(performance.now() - started);
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
      timings.push(`noop ${JSON.stringify(noop.timings)}`);
      if (noop.changeSet.some((entry) => entry.action !== 'unchanged'))
        throw new Error('second sync changed something');

      const path = `deploy/f${run}-7.yaml`;
      await harness
        .repos()
        .commit(repo, { [path]: (files[path] ?? '').replace('key: value-0', 'key: changed') });
      started = performance.now();
      const one = await syncOnce(kube, options);
      results.one.push(performance.now() - started);
      timings.push(`one ${JSON.stringify(one.timings)}`);
      if (one.changeSet.filter((entry) => entry.action === 'configured').length !== 1)
        throw new Error('one change expected');
      await kube.close();
    }

    const ferry = median(results.ferryFirst);
    const kubectl = median(results.kubectl);
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
    process.stdout.write(
      [
        `### ${new Date().toISOString().slice(0, 10)} — ${machine}, Kubernetes 1.20 harness, medians of ${RUNS} runs`,
        '',
        '| measure | Ferry | kubectl apply --server-side | ratio (Ferry / kubectl) | target |',
        '| --- | --- | --- | --- | --- |',
        `| (a) first sync, ${NAMESPACES * PER_NAMESPACE} objects + ${NAMESPACES} namespaces | ${(ferry / 1000).toFixed(2)} s | ${(kubectl / 1000).toFixed(2)} s | ${(ferry / kubectl).toFixed(2)} | ≤ 0.5 |`,
        `| (b) second sync, nothing changed | ${(median(results.noop) / 1000).toFixed(2)} s, ${median(results.noopRequests)} requests, ${median(results.noopWrites)} writes | | | 0 writes |`,
        `| (c) one object changed | ${(median(results.one) / 1000).toFixed(2)} s | | | < 1 s |`,
        '',
        `raw (ms): ferry first ${results.ferryFirst.map(Math.round).join(', ')}; kubectl ${results.kubectl.map(Math.round).join(', ')}; noop ${results.noop.map(Math.round).join(', ')}; one ${results.one.map(Math.round).join(', ')}`,
        '',
        `step timings (ms): ${timings.join('; ')}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stop();
  }
}

await main();
