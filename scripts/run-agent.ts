// Installs the agent into the harness cluster c1 as a platform engineer would (`kubectl apply -k
// deploy/agent`, a Git credentials Secret, the bootstrap ConfigMap pointed at the example repo) and runs
// `ferry-agent run` from the installed Deployment with the in-cluster runner (its ServiceAccount, env
// and mounts). The simulated kubelet plays the kubelet's part for the Pods in the hello namespace (the
// harness runs no kubelet). Waits for the first sync to be Ready and shows it. On a terminal the agent
// keeps running until Ctrl-C; otherwise it is stopped. Used by scripts/run.sh.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness, HarnessError, runInCluster, startKubeletSim, waitFor } from '../test/harness/src/index.ts';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const dir = process.argv[2] ?? join(root, '.harness');
const repoUrl = process.argv[3];
if (repoUrl === undefined) throw new Error('usage: run-agent.ts HARNESS_DIR REPO_URL');
const harness = Harness.open(dir);
const kubectl = (args: string[], input?: string): Promise<string> => harness.kubectl('c1', args, input);

await kubectl(['apply', '-k', join(root, 'deploy', 'agent')]);
await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/gitsyncs.ferry.dev']);
const token = harness.gitServer().tokens[0] ?? '';
await kubectl(
  ['-n', 'ferry-system', 'apply', '-f', '-'],
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'git-credentials', namespace: 'ferry-system' },
    stringData: { bearerToken: token },
  }),
);
const gitsync = `apiVersion: ferry.dev/v1alpha1
kind: GitSync
metadata:
  name: ferry
  namespace: ferry-system
spec:
  repo: ${repoUrl}
  ref: main
  path: clusters/local
  targetNamespace: hello
  interval: 30s
  credentials:
    secretName: git-credentials
`;
await kubectl(
  ['apply', '-f', '-'],
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ferry-agent-bootstrap', namespace: 'ferry-system' },
    data: { 'gitsync.yaml': gitsync },
  }),
);

const kubelet = startKubeletSim(harness.kube('c1'), { namespace: 'hello', rules: [{ behaviour: 'ready' }] });
const workDir = join(dir, 'agent');
mkdirSync(workDir, { recursive: true });
const agent = await runInCluster(harness, 'c1', {
  namespace: 'ferry-system',
  deployment: 'ferry-agent',
  command: [process.execPath, join(root, 'agent', 'dist', 'main.js')],
  extraEnv: { FERRY_PORT: '0' },
  workDir,
  cwd: root,
});
const stop = async (): Promise<void> => {
  await agent.stop();
  await kubelet.stop();
};
let exited = false;
void agent.exited.then(() => {
  exited = true;
});
process.stdout.write(`agent running as ${agent.podName} (pid ${agent.pid}); its log: ${agent.logFile}\n`);
try {
  await waitFor(
    async () => {
      if (exited) throw new HarnessError('process-exited', `the agent exited; its log: ${agent.logFile}`);
      const status = await kubectl([
        '-n',
        'ferry-system',
        'get',
        'gitsync',
        'ferry',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]).catch(() => '');
      return status === 'True';
    },
    { what: 'the first sync to be Ready', timeoutMs: 120_000, intervalMs: 500 },
  );
  process.stdout.write(`\n${await kubectl(['-n', 'ferry-system', 'get', 'gitsyncs'])}\n`);
  process.stdout.write(`${await kubectl(['-n', 'hello', 'get', 'deployments,configmaps,services'])}\n`);
} catch (error) {
  await stop();
  throw error;
}
if (process.stdin.isTTY) {
  process.stdout.write(
    'The agent keeps syncing (every 30 s, on `kubectl annotate`, and on drift). Ctrl-C stops it.\n',
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => {
      done();
    });
  });
}
await stop();
