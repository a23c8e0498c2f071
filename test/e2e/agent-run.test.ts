// The agent end to end: `kubectl apply -k deploy/agent` on its own fresh cluster, the bootstrap
// ConfigMap pointed at a repo on the harness Git server, then `ferry-agent run` started from the
// installed Deployment by the in-cluster runner (its ServiceAccount token, env and mounts; held to the
// RBAC of deploy/agent). The interval is one hour, so only the annotation, spec and watch paths can make
// a sync happen during the test. The simulated kubelet (the harness's one simulation) plays the
// kubelet's part for the Pods of the Deployments in the app namespace.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Harness,
  runInCluster,
  startKubeletSim,
  waitFor,
  type InClusterProcess,
  type RunningKubeletSim,
} from '../harness/src/index.ts';
import { FERRY_AGENT_NODE_ARGS, REPO_ROOT } from './ferry-agent.ts';

const CLUSTER = 'agent-run';
const NS = 'ferry-system';
const APP = 'app';
const REPO = `agent-run-${Date.now().toString(36)}`;

const harness = Harness.fromEnv();
const scratch = mkdtempSync(join(tmpdir(), 'ferry-agent-run-'));
const agents: InClusterProcess[] = [];
let kubelet: RunningKubeletSim | undefined;

const kubectl = (args: string[], input?: string): Promise<string> => harness.kubectl(CLUSTER, args, input);

interface GitSyncView {
  metadata: { generation: number; annotations?: Record<string, string> };
  status?: {
    observedGeneration?: number;
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    lastHandledRequestedAt?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
    history?: { revision?: string; result: string; message: string }[];
    health?: { status: string; message: string };
  };
}

async function gitSync(): Promise<GitSyncView> {
  return JSON.parse(await kubectl(['-n', NS, 'get', 'gitsync', 'ferry', '-o', 'json'])) as GitSyncView;
}

const condition = (view: GitSyncView, type: string) => view.status?.conditions?.find((c) => c.type === type);

/** Waits until the GitSync's Ready condition has `status`, after the sync of `revisionSha` (if given). */
async function waitReady(status: 'True' | 'False', what: string, revisionSha?: string): Promise<GitSyncView> {
  return waitFor(
    async () => {
      // Not there yet while the agent starts and creates it from the bootstrap ConfigMap.
      const view = await gitSync().catch(() => undefined);
      if (view === undefined) return undefined;
      const ready = condition(view, 'Ready');
      if (ready?.status !== status) return undefined;
      if (revisionSha !== undefined && !(view.status?.lastAttemptedRevision ?? '').endsWith(revisionSha))
        return undefined;
      return view;
    },
    {
      what,
      timeoutMs: 90_000,
      intervalMs: 250,
      onTimeout: () => ({
        logTail: agents.map((a) => readFileSync(a.logFile, 'utf8').slice(-3000)).join('\n---\n'),
      }),
    },
  );
}

/** `kubectl annotate`, as a person asks for a sync now. */
async function requestSync(): Promise<void> {
  await kubectl([
    '-n',
    NS,
    'annotate',
    '--overwrite',
    'gitsync',
    'ferry',
    `ferry.dev/requested-at=${new Date().toISOString()}-${Math.random()}`,
  ]);
}

const deployment = (name: string, extra = ''): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${APP}
spec:
  replicas: 1
  progressDeadlineSeconds: 10
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}${extra}}
    spec:
      containers:
      - name: app
        image: example.invalid/${name}:1
`;
const configMap = (name: string, value: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${APP}\ndata:\n  key: ${value}\n`;

function bootstrap(url: string): string {
  const gitsync = `apiVersion: ferry.dev/v1alpha1
kind: GitSync
metadata:
  name: ferry
  namespace: ${NS}
spec:
  repo: ${url}
  ref: main
  path: clusters/test
  targetNamespace: ${APP}
  interval: 1h
  credentials:
    secretName: git-credentials
`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ferry-agent-bootstrap', namespace: NS },
    data: { 'gitsync.yaml': gitsync },
  });
}

async function startAgent(): Promise<InClusterProcess> {
  const agent = await runInCluster(harness, CLUSTER, {
    namespace: NS,
    deployment: 'ferry-agent',
    command: [process.execPath, ...FERRY_AGENT_NODE_ARGS],
    extraEnv: { FERRY_PORT: '0', FERRY_LOG_LEVEL: 'debug' },
    workDir: mkdtempSync(join(scratch, 'agent-')),
    cwd: REPO_ROOT,
    stopGraceMs: 30_000,
  });
  agents.push(agent);
  return agent;
}

describe('ferry-agent run, installed with kubectl apply -k deploy/agent', { timeout: 600_000 }, () => {
  before(async () => {
    await harness.addCluster(CLUSTER);
    await kubectl(['apply', '-k', join(REPO_ROOT, 'deploy', 'agent')]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/gitsyncs.ferry.dev']);
    const git = harness.gitServer();
    const user = git.users[0];
    assert.ok(user !== undefined, 'the harness Git server has a user');
    await kubectl([
      '-n',
      NS,
      'create',
      'secret',
      'generic',
      'git-credentials',
      `--from-literal=username=${user.username}`,
      `--from-literal=password=${user.password}`,
    ]);
    await kubectl(['create', 'namespace', APP]);
    await harness.repos().create(REPO, {
      files: {
        'clusters/test/config.yaml': configMap('settings', 'one'),
        'clusters/test/web.yaml': deployment('web'),
      },
    });
    await kubectl(['apply', '-f', '-'], bootstrap(harness.repos().url(REPO)));
    kubelet = startKubeletSim(harness.kube(CLUSTER), {
      namespace: APP,
      rules: [{ namePrefix: 'crasher', behaviour: 'crashloop' }, { behaviour: 'ready' }],
    });
    await startAgent();
  });

  after(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    if (process.env.FERRY_TEST_AGENT_LOG === '1')
      for (const agent of agents) process.stderr.write(readFileSync(agent.logFile, 'utf8'));
    await kubelet?.stop();
    await harness.destroyCluster(CLUSTER);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('creates its GitSync from the bootstrap ConfigMap and syncs it: Ready once the Deployment is available', async () => {
    const head = await harness.repos().head(REPO, 'main');
    const view = await waitReady('True', 'the first sync to be Ready', head);
    assert.match(view.status?.lastAppliedRevision ?? '', new RegExp(`^main@sha1:${head}$`));
    assert.equal(view.status?.observedGeneration, view.metadata.generation);
    assert.equal(view.status.health?.status, 'Current');
    assert.equal(view.status.history?.[0]?.result, 'applied');
    const data = JSON.parse(await kubectl(['-n', APP, 'get', 'configmap', 'settings', '-o', 'json'])) as {
      data: { key: string };
    };
    assert.equal(data.data.key, 'one');
    // kubectl's own columns for the CRD.
    const table = await kubectl(['-n', NS, 'get', 'gitsyncs']);
    assert.match(table, /NAME\s+READY\s+REVISION\s+AGE\s+MESSAGE/);
    assert.match(table, new RegExp(`ferry\\s+True\\s+main@sha1:${head}`));
  });

  it('serves /healthz, /readyz and Prometheus /metrics on its one port', async () => {
    const agent = agents[0];
    assert.ok(agent !== undefined);
    const started = readFileSync(agent.logFile, 'utf8')
      .split('\n')
      .map((line) => (line.startsWith('{') ? (JSON.parse(line) as { msg?: string; port?: number }) : {}))
      .find((entry) => entry.msg === 'agent started');
    assert.ok(started?.port !== undefined, 'the agent logs its port');
    const base = `http://127.0.0.1:${started.port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^ferry_sync_duration_seconds_count\{result="applied"\} [1-9]/m);
    assert.match(metrics, /^ferry_objects_total\{action="created"\} [1-9]/m);
    assert.match(metrics, /^ferry_last_applied_timestamp_seconds [1-9]/m);
    assert.match(metrics, /^ferry_git_fetch_duration_seconds_count [1-9]/m);
  });

  it('applies a new commit when asked with the ferry.dev/requested-at annotation (the interval is 1 h)', async () => {
    const sha = await harness
      .repos()
      .commit(REPO, { 'clusters/test/config.yaml': configMap('settings', 'two') });
    await requestSync();
    const view = await waitReady('True', 'the requested sync', sha);
    assert.equal(view.status?.lastHandledRequestedAt, view.metadata.annotations?.['ferry.dev/requested-at']);
    const data = JSON.parse(await kubectl(['-n', APP, 'get', 'configmap', 'settings', '-o', 'json'])) as {
      data: { key: string };
    };
    assert.equal(data.data.key, 'two');
  });

  it('stalls on a failing manifest, naming the file, and leaves what was applied untouched', async () => {
    const sha = await harness.repos().commit(REPO, {
      'clusters/test/config.yaml': configMap('settings', 'three'),
      'clusters/test/broken.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: app\ndata: [not, a, map]\n',
    });
    await requestSync();
    const view = await waitReady('False', 'the failing sync', sha);
    const stalled = condition(view, 'Stalled');
    assert.equal(stalled?.status, 'True');
    assert.match(condition(view, 'Ready')?.message ?? '', /broken\.yaml/);
    const data = JSON.parse(await kubectl(['-n', APP, 'get', 'configmap', 'settings', '-o', 'json'])) as {
      data: { key: string };
    };
    assert.equal(data.data.key, 'two', 'nothing of the failing revision was applied');
    const events = await kubectl([
      '-n',
      NS,
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=GitSync,reason=SyncFailed',
      '-o',
      'json',
    ]);
    assert.match(events, /broken\.yaml/);
  });

  it('rolls back with git revert, and the history shows both syncs', async () => {
    const sha = await harness.repos().commit(REPO, {
      'clusters/test/broken.yaml': null,
      'clusters/test/config.yaml': configMap('settings', 'two'),
    });
    await requestSync();
    const view = await waitReady('True', 'the revert to be applied', sha);
    const results = (view.status?.history ?? []).map((h) => h.result);
    assert.deepEqual(results.slice(0, 2), ['applied', 'failed']);
    assert.ok((view.status?.history?.length ?? 0) <= 10);
  });

  it('fails a sync whose Deployment crashes past its progress deadline, naming the Deployment', async () => {
    const sha = await harness.repos().commit(REPO, { 'clusters/test/crasher.yaml': deployment('crasher') });
    await requestSync();
    const view = await waitReady('False', 'the crashing Deployment to fail the sync', sha);
    assert.equal(condition(view, 'Ready')?.reason, 'HealthCheckFailed');
    assert.match(condition(view, 'Ready')?.message ?? '', /Deployment\.apps\/app\/crasher/);
    assert.equal(view.status?.health?.status, 'Failed');
    await harness.repos().commit(REPO, { 'clusters/test/crasher.yaml': null });
  });

  it('gates waves on health: a later wave waits for the earlier one, and the sync fails naming it', async () => {
    const late =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: late\n  namespace: app\n  annotations:\n    ferry.dev/wave: "1"\nspec:\n  ports:\n  - port: 80\n';
    const sha = await harness.repos().commit(REPO, {
      'clusters/test/crasher.yaml': deployment('crasher'),
      'clusters/test/late.yaml': late,
    });
    await requestSync();
    const view = await waitReady('False', 'the unhealthy wave to fail the sync', sha);
    assert.equal(condition(view, 'Ready')?.reason, 'ApplyFailed');
    assert.match(
      condition(view, 'Ready')?.message ?? '',
      /wave 0 is not healthy, so wave 1 was not applied: .*Deployment\.apps\/app\/crasher/,
    );
    await assert.rejects(kubectl(['-n', APP, 'get', 'service', 'late']), /NotFound/);
    const back = await harness
      .repos()
      .commit(REPO, { 'clusters/test/crasher.yaml': null, 'clusters/test/late.yaml': null });
    await requestSync();
    await waitReady('True', 'the sync without the crashing wave', back);
  });

  it('heals an edit made with kubectl within seconds, and reports the manager that made it', async () => {
    type Drift = {
      healed: number;
      recent: { object: string; managers: string[]; action: string; at: string }[];
    };
    const since = new Date().toISOString();
    await kubectl([
      '-n',
      APP,
      'patch',
      'configmap',
      'settings',
      '--type',
      'merge',
      '-p',
      '{"data":{"key":"edited"}}',
    ]);
    await waitFor(
      async () => {
        const live = JSON.parse(await kubectl(['-n', APP, 'get', 'configmap', 'settings', '-o', 'json'])) as {
          data: { key: string };
        };
        return live.data.key === 'two';
      },
      { what: 'the edited ConfigMap to be healed', timeoutMs: 30_000, intervalMs: 200 },
    );
    // The status is written beside the healing sync, not before it: wait for it to say so.
    // (The counts start over when the agent does: this edit's entry, and a count of at least one.)
    let drift: Drift | undefined;
    const entryOf = (d: Drift | undefined) =>
      d?.recent.find((r) => r.object === 'ConfigMap/app/settings' && r.at >= since);
    await waitFor(
      async () => {
        drift = ((await gitSync()).status as { drift?: Drift }).drift;
        return entryOf(drift) !== undefined && (drift?.healed ?? 0) > 0;
      },
      { what: 'the status to record the edit and count it healed', timeoutMs: 30_000, intervalMs: 200 },
    );
    const entry = entryOf(drift);
    assert.ok(entry !== undefined, `the drift is in status: ${JSON.stringify(drift)}`);
    assert.equal(entry.action, 'healed');
    assert.ok(
      entry.managers.some((m) => m.startsWith('kubectl')),
      `managers named: ${entry.managers.join(', ')}`,
    );
    const events = await kubectl([
      '-n',
      NS,
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=GitSync,reason=DriftHealed',
      '-o',
      'json',
    ]);
    assert.match(events, /ConfigMap\/app\/settings/);
  });

  it('restores an object deleted with kubectl', async () => {
    await kubectl(['-n', APP, 'delete', 'configmap', 'settings']);
    await waitFor(
      () => kubectl(['-n', APP, 'get', 'configmap', 'settings', '-o', 'name']).catch(() => false),
      {
        what: 'the deleted ConfigMap to be restored',
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
  });

  it('does not fight over a field an ignore rule leaves to others (an autoscaler’s replicas)', async () => {
    await kubectl([
      '-n',
      NS,
      'patch',
      'gitsync',
      'ferry',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { drift: { ignore: [{ pointers: ['/spec/replicas'], kind: 'Deployment' }] } } }),
    ]);
    await waitFor(
      async () => {
        const view = await gitSync();
        return (
          view.status?.observedGeneration === view.metadata.generation &&
          condition(view, 'Reconciling')?.status === 'False'
        );
      },
      { what: 'the spec change to be synced', timeoutMs: 60_000, intervalMs: 250 },
    );
    await kubectl(['-n', APP, 'scale', 'deployment', 'web', '--replicas=3']);
    await requestSync();
    const requested = (await gitSync()).metadata.annotations?.['ferry.dev/requested-at'];
    await waitFor(async () => (await gitSync()).status?.lastHandledRequestedAt === requested, {
      what: 'the requested sync to be handled',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const web = JSON.parse(await kubectl(['-n', APP, 'get', 'deployment', 'web', '-o', 'json'])) as {
      spec: { replicas: number };
    };
    assert.equal(web.spec.replicas, 3, 'the sync kept the replicas the autoscaler set');
    const view = await gitSync();
    const recent =
      (view.status as { drift?: { recent: { object: string; action: string }[] } }).drift?.recent ?? [];
    assert.ok(!recent.some((r) => r.object === 'Deployment.apps/app/web'), 'the scale is not drift');
  });

  it('lets one replica sync at a time: a second agent stands by on the Lease', async () => {
    const second = await startAgent();
    await waitFor(
      () => readFileSync(second.logFile, 'utf8').includes('standby: another replica holds the lease'),
      {
        what: 'the second agent to stand by',
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
    const lease = JSON.parse(await kubectl(['-n', NS, 'get', 'lease', 'ferry-agent', '-o', 'json'])) as {
      spec: { holderIdentity: string };
    };
    assert.equal(lease.spec.holderIdentity, agents[0]?.podName);
    assert.ok(!readFileSync(second.logFile, 'utf8').includes('"sync started"'), 'the standby never synced');
  });
});
