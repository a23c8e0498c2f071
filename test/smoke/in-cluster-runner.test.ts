// Smoke test of the in-cluster runner on a real harness cluster: a local Node.js process gets the
// identity, env and files of a Deployment's Pod, and the real API server's RBAC judges its
// ServiceAccount token (403 before a RoleBinding, 200 after).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HarnessError } from '../harness/src/errors.ts';
import { Harness } from '../harness/src/harness.ts';
import { runInCluster, type InClusterProcess } from '../harness/src/in-cluster-runner.ts';
import { freshNamespace, type FreshNamespace } from '../harness/src/namespace.ts';
import { isAlive } from '../harness/src/process.ts';
import { waitFor } from '../harness/src/wait.ts';

const CLUSTER = process.env.FERRY_TEST_CLUSTER ?? 'c1';

/** Runs "in the pod": prints its env and a mounted file, then probes the API server with its token. */
const PROBE_SCRIPT = `
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

const dir = process.env.FERRY_SERVICEACCOUNT_DIR;
const flag = (name) => process.argv.find((arg) => arg.startsWith('--' + name + '='))?.slice(name.length + 3);
const say = (record) => console.log(JSON.stringify(record));
const get = (path) =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        host: process.env.KUBERNETES_SERVICE_HOST,
        port: Number(process.env.KUBERNETES_SERVICE_PORT),
        path,
        ca: readFileSync(dir + '/ca.crt'),
        headers: { authorization: 'Bearer ' + readFileSync(dir + '/token', 'utf8') },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end();
  });

const ns = readFileSync(dir + '/namespace', 'utf8');
say({
  kind: 'env',
  greeting: process.env.GREETING,
  password: process.env.PASSWORD,
  podNamespace: process.env.POD_NAMESPACE,
  podName: process.env.POD_NAME,
  prefixed: process.env.CFG_greeting,
  cacheDir: process.env.CACHE_DIR,
  kubeconfig: process.env.KUBECONFIG ?? null,
  config: readFileSync(flag('config'), 'utf8'),
  nsFlag: flag('ns'),
});
say({ kind: 'secrets', status: await get('/api/v1/namespaces/' + ns + '/secrets') });
let last;
const timer = setInterval(async () => {
  const status = await get('/api/v1/namespaces/' + ns + '/configmaps').catch((error) => String(error));
  if (status !== last) say({ kind: 'configmaps', status });
  last = status;
}, 200);
process.on('SIGTERM', () => {
  clearInterval(timer);
  say({ kind: 'bye' });
  process.exit(0);
});
`;

/** Ignores SIGTERM, so only SIGKILL ends it. */
const STUBBORN_SCRIPT = `
process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
setInterval(() => {}, 1000);
console.log('started');
`;

interface LogRecord {
  readonly kind: string;
  readonly [key: string]: unknown;
}

function records(file: string): LogRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogRecord);
}

async function logRecord(run: InClusterProcess, match: (record: LogRecord) => boolean, what: string) {
  return waitFor(() => records(run.logFile).find(match), {
    what: `${what} in ${run.logFile}`,
    timeoutMs: 20_000,
    onTimeout: () => ({ logTail: readFileSync(run.logFile, 'utf8') }),
  });
}

describe('the in-cluster runner on a harness cluster', () => {
  const harness = Harness.fromEnv();
  const kube = harness.kube(CLUSTER);
  const workRoot = mkdtempSync(join(tmpdir(), 'ferry-runner-test-'));
  const runs: InClusterProcess[] = [];
  let ns: FreshNamespace;

  before(async () => {
    ns = await freshNamespace(kube, 'sim');
    const base = `/api/v1/namespaces/${ns.name}`;
    await kube.post(`${base}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'agent' },
    });
    await kube.post(`${base}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'agent-config' },
      data: { greeting: 'hello from a ConfigMap', 'agent.yaml': 'interval: 42s\n' },
    });
    await kube.post(`${base}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'agent-secret' },
      stringData: { password: 's3cret' },
    });
    await kube.post(`/apis/apps/v1/namespaces/${ns.name}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: {
            serviceAccountName: 'agent',
            containers: [
              {
                name: 'agent',
                image: 'example.invalid/agent:1',
                args: ['--config=/etc/agent/agent.yaml', '--ns=$(POD_NAMESPACE)'],
                ports: [{ containerPort: 8080, protocol: 'TCP' }],
                env: [
                  {
                    name: 'GREETING',
                    valueFrom: { configMapKeyRef: { name: 'agent-config', key: 'greeting' } },
                  },
                  {
                    name: 'PASSWORD',
                    valueFrom: { secretKeyRef: { name: 'agent-secret', key: 'password' } },
                  },
                  {
                    name: 'MISSING',
                    valueFrom: { secretKeyRef: { name: 'no-such-secret', key: 'x', optional: true } },
                  },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'CACHE_DIR', value: '/var/cache/ferry' },
                ],
                envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'agent-config' } }],
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/agent' },
                  { name: 'cache', mountPath: '/var/cache/ferry' },
                ],
              },
            ],
            volumes: [
              {
                name: 'config',
                configMap: { name: 'agent-config', items: [{ key: 'agent.yaml', path: 'agent.yaml' }] },
              },
              { name: 'cache', emptyDir: {} },
            ],
          },
        },
      },
    });
  });

  after(async () => {
    await Promise.all(runs.map((run) => run.stop()));
    await ns.remove();
    await kube.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  function script(name: string, text: string): string {
    const file = join(workRoot, name);
    writeFileSync(file, text);
    return file;
  }

  it('runs a process with the Pod’s env, files and ServiceAccount, which RBAC judges', async () => {
    const workDir = join(workRoot, 'probe');
    const run = await runInCluster(harness, CLUSTER, {
      namespace: ns.name,
      deployment: 'agent',
      command: [process.execPath, script('probe.mjs', PROBE_SCRIPT)],
      workDir,
    });
    runs.push(run);

    // Arguments and env pointing into mounts are rewritten to the materialized files.
    assert.deepEqual(run.args, [`--config=${workDir}/fs/etc/agent/agent.yaml`, `--ns=${ns.name}`]);
    assert.equal(run.env.CACHE_DIR, `${workDir}/fs/var/cache/ferry`);
    assert.equal(run.env.KUBERNETES_SERVICE_HOST, '127.0.0.1');
    assert.equal(run.env.KUBERNETES_SERVICE_PORT, String(harness.cluster(CLUSTER).apiserverPort));
    assert.equal(run.env.FERRY_SERVICEACCOUNT_DIR, run.serviceAccountDir);
    assert.equal('MISSING' in run.env, false);

    const env = await logRecord(run, (record) => record.kind === 'env', 'the env record');
    assert.deepEqual(env, {
      kind: 'env',
      greeting: 'hello from a ConfigMap',
      password: 's3cret',
      podNamespace: ns.name,
      podName: run.podName,
      prefixed: 'hello from a ConfigMap',
      cacheDir: `${workDir}/fs/var/cache/ferry`,
      kubeconfig: null,
      config: 'interval: 42s\n',
      nsFlag: ns.name,
    });
    assert.match(run.podName, /^agent-sim-[a-z0-9]{5}$/);

    // The token: a TokenRequest JWT for the ServiceAccount, no trailing newline, also at the default path.
    const token = readFileSync(join(run.serviceAccountDir, 'token'), 'utf8');
    assert.equal(token, token.trimEnd());
    const parts = token.split('.');
    assert.equal(parts.length, 3);
    const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as {
      sub: string;
      exp: number;
    };
    assert.equal(claims.sub, `system:serviceaccount:${ns.name}:agent`);
    assert.ok(claims.exp * 1000 > Date.now() + 500_000, `expires in about an hour: ${claims.exp}`);
    assert.equal(readFileSync(join(run.serviceAccountDir, 'namespace'), 'utf8'), ns.name);
    assert.equal(
      readFileSync(join(run.fsRoot, '/var/run/secrets/kubernetes.io/serviceaccount/token'), 'utf8'),
      token,
    );

    // RBAC: no rights at first, configmaps readable after a Role + RoleBinding.
    const secrets = await logRecord(run, (record) => record.kind === 'secrets', 'the secrets probe');
    assert.equal(secrets.status, 403);
    await logRecord(
      run,
      (record) => record.kind === 'configmaps' && record.status === 403,
      'a 403 on configmaps',
    );
    await kube.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns.name}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'read-configmaps' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    });
    await kube.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns.name}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'agent-reads-configmaps' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: ns.name }],
    });
    await logRecord(
      run,
      (record) => record.kind === 'configmaps' && record.status === 200,
      'a 200 on configmaps',
    );

    // Rotation writes a new token in place, also twice within the same second (a JWT's times are
    // whole seconds, so a second TokenRequest in that second would answer the same token).
    await run.rotateToken();
    const rotated = readFileSync(join(run.serviceAccountDir, 'token'), 'utf8');
    assert.notEqual(rotated, token);
    await run.rotateToken();
    assert.notEqual(readFileSync(join(run.serviceAccountDir, 'token'), 'utf8'), rotated);

    await run.stop();
    await run.stop();
    assert.equal(isAlive(run.pid), false);
    assert.equal(await run.exited, 0);
    assert.ok(records(run.logFile).some((record) => record.kind === 'bye'));
  });

  it('stop() kills a process that ignores SIGTERM after the grace period', async () => {
    const run = await runInCluster(harness, CLUSTER, {
      namespace: ns.name,
      deployment: 'agent',
      command: [process.execPath, script('stubborn.mjs', STUBBORN_SCRIPT)],
      workDir: join(workRoot, 'stubborn'),
      stopGraceMs: 500,
    });
    runs.push(run);
    await waitFor(() => readFileSync(run.logFile, 'utf8').includes('started'), {
      what: 'the stubborn process to start',
      timeoutMs: 10_000,
    });
    await run.stop();
    assert.equal(await run.exited, null);
    assert.equal(isAlive(run.pid), false);
    assert.match(readFileSync(run.logFile, 'utf8'), /ignoring SIGTERM/);
  });

  it('refuses to start when a required ConfigMap is missing, naming it', async () => {
    await kube.patch(
      `/apis/apps/v1/namespaces/${ns.name}/deployments/agent`,
      [
        {
          op: 'add',
          path: '/spec/template/spec/containers/0/env/-',
          value: { name: 'NEEDED', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } },
        },
      ],
      'json',
    );
    await assert.rejects(
      runInCluster(harness, CLUSTER, {
        namespace: ns.name,
        deployment: 'agent',
        command: [process.execPath, '-e', ''],
        workDir: join(workRoot, 'refused'),
      }),
      (error: unknown) =>
        error instanceof HarnessError &&
        error.code === 'bad-state' &&
        error.message.includes(`ConfigMap/${ns.name}/absent`) &&
        error.message.includes('NEEDED'),
    );
  });
});
