// The quick start (`bash scripts/run.sh` hands over to scripts/quickstart/main.ts), end to end on a
// local cluster of its own: the program from source with a state folder in a temp dir, run until it
// prints that the cluster is Ready; then, with only what it printed (the hub URL, the admin token, the
// kubeconfig, the Git clone URL), the hub shows cluster `local` Ready at Git's head, kubectl shows the
// example's objects (custom resource included), `ferry status` works with FERRY_HUB/FERRY_TOKEN, and the
// first and third things to try work as printed (a commit applied after a refresh; a hand edit healed).
// Then SIGINT, as Ctrl-C: it stops everything it started and no process is left. The quick start runs
// the harness's simulated kubelet for the example's Pods (no kubelet runs here) and says so.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Harness, waitFor } from '../harness/src/index.ts';
import { isAlive } from '../harness/src/process.ts';
import { REPO_ROOT } from './ferry-agent.ts';

const MAIN = join(REPO_ROOT, 'scripts', 'quickstart', 'main.ts');
const FERRY = join(REPO_ROOT, 'hub', 'dist', 'cli', 'main.js');
const BUILT = ['hub/dist/main.js', 'hub/dist/cli/main.js', 'agent/dist/main.js'];

interface Printed {
  readonly hubUrl: string;
  readonly token: string;
  readonly kubeconfig: string;
  readonly cloneUrl: string;
}

function printed(output: string): Printed {
  const pick = (pattern: RegExp, what: string): string => {
    const found = pattern.exec(output)?.[1];
    assert.ok(found !== undefined, `the quick start printed ${what}:\n${output}`);
    return found;
  };
  return {
    hubUrl: pick(/^Hub URL: +(\S+)$/m, 'the hub URL'),
    token: pick(/^Admin token: +(\S+)$/m, 'the admin token'),
    kubeconfig: pick(/export KUBECONFIG=(\S+)$/m, 'the kubeconfig'),
    cloneUrl: pick(/git clone (\S+) /, 'a git clone command'),
  };
}

function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd = REPO_ROOT,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), ...env } },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout);
        else reject(new Error(`${command} ${args.join(' ')}: ${stderr}`, { cause: error }));
      },
    );
  });
}

interface HubCluster {
  readonly connected: boolean;
  readonly health: { readonly status: string } | null;
  readonly sync: { readonly appliedRevision: string | null } | null;
}

async function hubCluster(p: Printed): Promise<{ status: number; body: HubCluster }> {
  const answer = await fetch(`${p.hubUrl}/api/v1/clusters/local`, {
    headers: { authorization: `Bearer ${p.token}` },
  });
  return { status: answer.status, body: (await answer.json()) as HubCluster };
}

const readyAt = (view: HubCluster, sha: string): boolean =>
  view.connected && (view.sync?.appliedRevision ?? '').endsWith(sha) && view.health?.status === 'Current';

describe('the quick start on a local cluster of its own', { concurrency: 1 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-quickstart-'));
  const dir = join(scratch, 'state');
  let child: ChildProcess | undefined;
  let output = '';
  let exited: Promise<number | null> = Promise.resolve(null);
  const kubectl = (p: Printed, args: readonly string[]): Promise<string> =>
    run('kubectl', [`--kubeconfig=${p.kubeconfig}`, ...args], {});
  /** One field of an object in the example's `hello` namespace, as kubectl's jsonpath prints it. */
  const field = (p: Printed, kind: string, name: string, path: string): Promise<string> =>
    kubectl(p, ['-n', 'hello', 'get', kind, name, '-o', `jsonpath={${path}}`]);

  before(async () => {
    for (const file of BUILT)
      assert.ok(
        existsSync(join(REPO_ROOT, file)),
        `${file} is built (pnpm -r build; scripts/test.sh builds)`,
      );
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ferry/source', MAIN, '--dir', dir],
      { cwd: REPO_ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => started.once('exit', resolve));
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor(
      () => {
        if (gone) throw new Error(`the quick start exited before it was ready:\n${output}`);
        return output.includes('Ctrl-C stops everything this started.');
      },
      { what: 'the quick start to print that it is ready', timeoutMs: 200_000, intervalMs: 250 },
    );
  });

  after(async () => {
    if (child?.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    await Harness.open(dir).down();
    if (process.env.FERRY_KEEP_TEST_DIR !== '1') rmSync(scratch, { recursive: true, force: true });
  });

  it('says what it runs, that the kubelet is simulated, and prints three things to try', () => {
    assert.match(output, /SIMULATED kubelet/);
    assert.match(
      output,
      /\$ ferry cluster add local --repo http:\/\/127\.0\.0\.1:\d+\/fleet\.git --path clusters\/local/,
    );
    assert.match(output, /\$ kubectl apply -f \S+install-local\.yaml/);
    assert.match(output, /as Pod ferry-agent-sim-\S+ of Deployment ferry-system\/ferry-agent/);
    for (const text of ['git push', 'ferry status --watch', 'patch configmap hello-config', 'FERRY_TOKEN='])
      assert.ok(output.includes(text), `it prints ${text}`);
  });

  it('prints a hub URL and admin token that show cluster local Ready at Git head', async () => {
    const p = printed(output);
    const head = (await run('git', ['ls-remote', p.cloneUrl, 'refs/heads/main'], {})).split('\t')[0] ?? '';
    assert.match(head, /^[0-9a-f]{40}$/);
    const answer = await hubCluster(p);
    assert.equal(answer.status, 200);
    assert.ok(readyAt(answer.body, head), `Ready at ${head}: ${JSON.stringify(answer.body)}`);
    const refused = await fetch(`${p.hubUrl}/api/v1/clusters/local`, {
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(refused.status, 401, 'the hub wants the token');
    const status = await run(process.execPath, [FERRY, 'status'], {
      FERRY_HUB: p.hubUrl,
      FERRY_TOKEN: p.token,
      FERRY_CONFIG: join(scratch, 'no-config.json'),
    });
    assert.match(status, /^local +enrolled +Current +applied /m);
  });

  it('has applied the example: Namespaces, ConfigMap, Deployment (ready), Service, the CRD and its custom resource', async () => {
    const p = printed(output);
    assert.match(await kubectl(p, ['get', 'namespace', 'hello', 'hello-ops', '-o', 'name']), /hello-ops/);
    assert.match(await kubectl(p, ['get', 'crd', 'greetings.hello.example.com', '-o', 'name']), /greetings/);
    const greeting = JSON.parse(
      await kubectl(p, ['-n', 'hello-ops', 'get', 'greeting', 'welcome', '-o', 'json']),
    ) as {
      spec: { message: string };
    };
    assert.equal(greeting.spec.message, 'Hello from Git');
    const config = await field(p, 'configmap', 'hello-config', '.data.greeting');
    assert.equal(config, 'Hello from Git');
    assert.equal(await field(p, 'service', 'hello', '.spec.ports[0].port'), '80');
    const ready = await field(p, 'deployment', 'hello', '.status.readyReplicas');
    assert.equal(ready, '2');
  });

  it('applies a commit pushed as printed, at once after a refresh', async () => {
    const p = printed(output);
    const clone = join(scratch, 'fleet');
    await run('git', ['clone', '-q', p.cloneUrl, clone], {});
    const app = join(clone, 'clusters', 'local', 'app.yaml');
    assert.match(readFileSync(app, 'utf8'), /replicas: 2/);
    await run('sed', ['-i', 's/replicas: 2/replicas: 3/', app], {});
    const git = ['-c', 'user.name=you', '-c', 'user.email=you@example.com'];
    await run('git', [...git, 'commit', '-qam', 'hello: 3 replicas'], {}, clone);
    await run('git', ['push', '-q'], {}, clone);
    const sha = (await run('git', ['rev-parse', 'HEAD'], {}, clone)).trim();
    const refresh = await fetch(`${p.hubUrl}/api/v1/clusters/local/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.token}` },
    });
    assert.equal(refresh.status, 202);
    await waitFor(async () => readyAt((await hubCluster(p)).body, sha), {
      what: `the hub to show ${sha} applied`,
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const ready = await field(p, 'deployment', 'hello', '.status.readyReplicas');
    assert.equal(ready, '3');
  });

  it('heals a hand edit of a managed ConfigMap, and the hub shows the drift', async () => {
    const p = printed(output);
    await kubectl(p, [
      '-n',
      'hello',
      'patch',
      'configmap',
      'hello-config',
      '--type',
      'merge',
      '-p',
      '{"data":{"greeting":"edited by hand"}}',
    ]);
    await waitFor(
      async () => (await field(p, 'configmap', 'hello-config', '.data.greeting')) === 'Hello from Git',
      { what: 'the drift to be healed', timeoutMs: 60_000, intervalMs: 500 },
    );
    const drift = await waitFor(
      async () => {
        const answer = await fetch(`${p.hubUrl}/api/v1/clusters/local/drift`, {
          headers: { authorization: `Bearer ${p.token}` },
        });
        const body = (await answer.json()) as { items: { ref: { name: string }; action: string }[] };
        return body.items.find((item) => item.ref.name === 'hello-config');
      },
      { what: 'the hub to show the drift', timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(drift.action, 'healed');
  });

  it('on Ctrl-C (SIGINT) stops everything it started, and no process is left', async () => {
    const p = printed(output);
    assert.ok(child !== undefined);
    const before = output.length;
    child.kill('SIGINT');
    const code = await exited;
    const said = output.slice(before);
    assert.equal(code, 0, said);
    for (const what of [
      /stopped agent \(pid \d+\)/,
      /stopped hub \(pid \d+\)/,
      /stopped the simulated kubelet/,
      /kube-apiserver of local \(pid \d+\)/,
      /git server on port \d+ \(pid \d+\)/,
      /etcd \(pid \d+\)/,
    ])
      assert.match(said, what);
    assert.match(said, /every process this started has stopped/);
    const pids = [...said.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
    assert.ok(pids.length >= 6, said);
    for (const pid of pids) assert.ok(!isAlive(pid), `pid ${pid} is gone`);
    assert.deepEqual(Harness.open(dir).leftovers(), [], 'no process names the state folder');
    await assert.rejects(fetch(`${p.hubUrl}/healthz`), 'the hub no longer answers');
  });
});
