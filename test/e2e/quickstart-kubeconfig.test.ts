// The quick start with --kubeconfig, end to end: the cluster is one the test harness gives (as a
// person's own cluster would be), so the quick start starts no cluster: only the Git server and the
// hub, applies the install manifest to that cluster, scales the installed Deployment to 0 and runs the
// agent on this machine in kubeconfig mode (`ferry-agent run --kubeconfig FILE`). With
// --exit-when-ready it exits 0 once the hub showed the cluster Ready at Git's head, having stopped
// everything it started; the cluster keeps what Git gave it (custom resource included). The harness
// cluster has no kubelet: this test runs the simulated one for the example's Pods, standing in for the
// kubelet a real cluster has.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Harness, startKubeletSim, type RunningKubeletSim } from '../harness/src/index.ts';
import { isAlive } from '../harness/src/process.ts';
import { REPO_ROOT } from './ferry-agent.ts';

const harness = Harness.fromEnv();
const CLUSTER = 'qs-kubeconfig';
const MAIN = join(REPO_ROOT, 'scripts', 'quickstart', 'main.ts');
const BUILT = ['hub/dist/main.js', 'hub/dist/cli/main.js', 'agent/dist/main.js'];

function quickstart(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ferry/source', MAIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, output });
    });
  });
}

function kubectl(args: readonly string[]): Promise<string> {
  const kubeconfig = harness.cluster(CLUSTER).kubeconfig;
  return new Promise((resolve, reject) => {
    execFile('kubectl', [`--kubeconfig=${kubeconfig}`, ...args], (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`, { cause: error }));
    });
  });
}

describe('the quick start with --kubeconfig and --exit-when-ready', { concurrency: 1 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-quickstart-kc-'));
  const dir = join(scratch, 'state');
  let kubelet: RunningKubeletSim | undefined;
  let result: { code: number | null; output: string } = { code: null, output: '' };

  before(async () => {
    for (const file of BUILT)
      assert.ok(
        existsSync(join(REPO_ROOT, file)),
        `${file} is built (pnpm -r build; scripts/test.sh builds)`,
      );
    const record = await harness.addCluster(CLUSTER);
    kubelet = startKubeletSim(harness.kube(CLUSTER), { namespace: 'hello', rules: [{ behaviour: 'ready' }] });
    result = await quickstart(['--dir', dir, '--kubeconfig', record.kubeconfig, '--exit-when-ready']);
  });

  after(async () => {
    await kubelet?.stop();
    await Harness.open(dir).down();
    await harness.destroyCluster(CLUSTER);
    if (process.env.FERRY_KEEP_TEST_DIR !== '1') rmSync(scratch, { recursive: true, force: true });
  });

  it('exits 0 once the hub showed the cluster Ready, having started no cluster of its own', () => {
    const { code, output } = result;
    assert.equal(code, 0, output);
    assert.match(output, /^Ready: cluster local applied [0-9a-f]{7} \(Current: /m);
    assert.match(output, /^Hub URL: +http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(output, /^Admin token: +\S{32,}$/m);
    assert.doesNotMatch(output, /starting a local cluster|SIMULATED kubelet/);
    assert.match(output, /--exit-when-ready: stopping everything now/);
  });

  it('ran the agent on this machine with the kubeconfig, the installed Deployment scaled to 0', async () => {
    const { output } = result;
    const kubeconfig = harness.cluster(CLUSTER).kubeconfig;
    assert.ok(output.includes(`ferry-agent run --kubeconfig ${kubeconfig}`), output);
    assert.match(output, /scale deployment ferry-agent --replicas=0/);
    assert.equal(
      await kubectl([
        '-n',
        'ferry-system',
        'get',
        'deployment',
        'ferry-agent',
        '-o',
        'jsonpath={.spec.replicas}',
      ]),
      '0',
    );
    const hubSecret = await kubectl(['-n', 'ferry-system', 'get', 'secret', 'ferry-agent-hub', '-o', 'name']);
    assert.match(hubSecret, /ferry-agent-hub/, 'the install manifest was applied');
    assert.match(
      await kubectl(['-n', 'ferry-system', 'get', 'secret', 'ferry-agent-credential', '-o', 'name']),
      /ferry-agent-credential/,
      'the agent enrolled and stored its credential',
    );
  });

  it('left the example in the cluster, custom resource included, with the GitSync Ready', async () => {
    assert.match(await kubectl(['get', 'namespace', 'hello', 'hello-ops', '-o', 'name']), /hello-ops/);
    assert.match(await kubectl(['get', 'crd', 'greetings.hello.example.com', '-o', 'name']), /greetings/);
    assert.equal(
      await kubectl(['-n', 'hello-ops', 'get', 'greeting', 'welcome', '-o', 'jsonpath={.spec.message}']),
      'Hello from Git',
    );
    assert.equal(
      await kubectl(['-n', 'hello', 'get', 'configmap', 'hello-config', '-o', 'jsonpath={.data.greeting}']),
      'Hello from Git',
    );
    assert.match(await kubectl(['-n', 'hello', 'get', 'service', 'hello', '-o', 'name']), /service\/hello/);
    assert.equal(
      await kubectl(['-n', 'hello', 'get', 'deployment', 'hello', '-o', 'jsonpath={.status.readyReplicas}']),
      '2',
    );
    const sha = /^Ready: cluster local applied ([0-9a-f]{7})/m.exec(result.output)?.[1] ?? '-';
    const gitsync = JSON.parse(
      await kubectl(['-n', 'ferry-system', 'get', 'gitsync', 'ferry', '-o', 'json']),
    ) as {
      status?: { lastAppliedRevision?: string; conditions?: { type: string; status: string }[] };
    };
    assert.match(gitsync.status?.lastAppliedRevision ?? '', new RegExp(`^main@sha1:${sha}`));
    assert.equal(gitsync.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it('stopped everything it started: agent, hub and Git server; no process is left', async () => {
    const { output } = result;
    const hubUrl = /^Hub URL: +(\S+)$/m.exec(output)?.[1] ?? '';
    for (const what of [
      /stopped agent \(pid \d+\)/,
      /stopped hub \(pid \d+\)/,
      /git server on port \d+ \(pid \d+\)/,
    ])
      assert.match(output, what);
    assert.match(output, /every process this started has stopped/);
    const stopped = output.slice(output.indexOf('--exit-when-ready: stopping'));
    for (const match of stopped.matchAll(/\(pid (\d+)\)/g))
      assert.ok(!isAlive(Number(match[1])), `pid ${match[1]} is gone`);
    assert.deepEqual(Harness.open(dir).leftovers(), [], 'no process names the state folder');
    await assert.rejects(fetch(`${hubUrl}/healthz`), 'the hub no longer answers');
  });
});
