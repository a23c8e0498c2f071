// Smoke test of the SIMULATED kubelet on a real harness cluster: it only writes Pod status and offers
// PersistentVolumes; the real controllers of kube-controller-manager must then report Deployments
// available, Jobs complete, StatefulSets ready in order and claims bound, and kubectl must agree.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HarnessError } from '../harness/src/errors.ts';
import { Harness } from '../harness/src/harness.ts';
import {
  deleteSimulatedVolumes,
  settle,
  startKubeletSim,
  type RunningKubeletSim,
  type SimulatedKubeletRule,
} from '../harness/src/kubelet-sim.ts';
import { freshNamespace, type FreshNamespace } from '../harness/src/namespace.ts';
import { waitRolloutComplete } from '../harness/src/rollout.ts';
import { waitFor } from '../harness/src/wait.ts';

const CLUSTER = process.env.FERRY_TEST_CLUSTER ?? 'c1';

interface Named {
  metadata: { name: string };
}
interface List<T> {
  items: T[];
}

describe('the simulated kubelet on a harness cluster', () => {
  const harness = Harness.fromEnv();
  const kube = harness.kube(CLUSTER);
  const namespaces: FreshNamespace[] = [];
  const sims: RunningKubeletSim[] = [];

  async function namespace(): Promise<string> {
    const ns = await freshNamespace(kube, 'sim');
    namespaces.push(ns);
    return ns.name;
  }

  function simulate(ns: string, rules: readonly SimulatedKubeletRule[] = []): RunningKubeletSim {
    const sim = startKubeletSim(kube, { namespace: ns, rules });
    sims.push(sim);
    return sim;
  }

  /** Pods can be created directly only once the namespace's default ServiceAccount has its token Secret. */
  async function defaultServiceAccountReady(ns: string): Promise<void> {
    await waitFor(
      async () => {
        const sa = await kube.raw<{ secrets?: unknown[] }>(
          'GET',
          `/api/v1/namespaces/${ns}/serviceaccounts/default`,
        );
        return sa.status === 200 && (sa.body.secrets?.length ?? 0) > 0;
      },
      { what: `ServiceAccount/${ns}/default to get its token Secret`, timeoutMs: 20_000 },
    );
  }

  async function podNames(ns: string, selector: string): Promise<string[]> {
    const pods = await kube.get<List<Named>>(
      `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`,
    );
    return pods.items.map((pod) => pod.metadata.name).sort();
  }

  after(async () => {
    await Promise.all(sims.map((sim) => sim.stop()));
    for (const ns of namespaces) {
      await ns.remove();
      await deleteSimulatedVolumes(kube, ns.name);
    }
    await kube.close();
  });

  it('makes a Deployment Available so that `kubectl rollout status` succeeds', async () => {
    const ns = await namespace();
    await kube.post(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'example.invalid/web:1',
                ports: [{ containerPort: 8080, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    });
    // Without a kubelet nothing becomes available, and the wait says what is missing.
    await assert.rejects(waitRolloutComplete(kube, ns, 'web', 1_500), (error: unknown) => {
      assert.ok(error instanceof HarnessError && error.code === 'timeout', String(error));
      assert.match(error.message, /Deployment\/sim-[0-9a-f]+\/web/);
      assert.match(error.message, /of 3 replicas (available|updated)|not observed/);
      return true;
    });

    const sim = simulate(ns);
    await waitRolloutComplete(kube, ns, 'web', 60_000);
    const out = await harness.kubectl(CLUSTER, [
      'rollout',
      'status',
      'deployment/web',
      '-n',
      ns,
      '--timeout=60s',
    ]);
    assert.match(out, /successfully rolled out/);
    const report = sim.report();
    assert.equal(report.pods.filter((pod) => pod.behaviour === 'ready').length, 3, JSON.stringify(report));
    assert.deepEqual(report.errors, []);
  });

  it('completes Jobs, with settle() and with the continuous simulation', async () => {
    const ns = await namespace();
    const job = (name: string): object => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { job: name } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'example.invalid/job:1' }] },
        },
      },
    });
    const complete = async (name: string): Promise<void> => {
      await waitFor(
        async () => {
          const current = await kube.get<{
            status?: { succeeded?: number; conditions?: { type: string; status: string }[] };
          }>(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`);
          return (
            current.status?.succeeded === 1 &&
            (current.status.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True')
          );
        },
        { what: `Job/${ns}/${name} to be Complete with 1 succeeded`, timeoutMs: 60_000, intervalMs: 200 },
      );
    };

    await kube.post(`/apis/batch/v1/namespaces/${ns}/jobs`, job('once'));
    await waitFor(async () => (await podNames(ns, 'job=once')).length === 1, {
      what: `the Pod of Job/${ns}/once`,
      timeoutMs: 30_000,
    });
    const report = await settle(kube, { namespace: ns });
    assert.equal(report.pods.length, 1);
    assert.equal(report.pods[0]?.behaviour, 'succeeded');
    await complete('once');

    const sim = simulate(ns);
    await kube.post(`/apis/batch/v1/namespaces/${ns}/jobs`, job('watched'));
    await complete('watched');
    // The simulation records a Pod once its status PATCH has answered; the Job controller may see that
    // status (and complete the Job) before this process has read the answer.
    await waitFor(() => sim.report().pods.length > 0, {
      what: 'the simulation to record the Pod of Job/watched',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    assert.deepEqual(
      sim.report().pods.map((pod) => pod.behaviour),
      ['succeeded'],
    );
    assert.deepEqual(sim.report().errors, []);
  });

  it('lets a StatefulSet of 3 with claims become ready in order 0, 1, 2', async () => {
    const ns = await namespace();
    const sim = simulate(ns);
    await kube.post(`/apis/apps/v1/namespaces/${ns}/statefulsets`, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: {
            containers: [
              {
                name: 'db',
                image: 'example.invalid/db:1',
                volumeMounts: [{ name: 'data', mountPath: '/var/lib/db' }],
              },
            ],
          },
        },
        // Each Pod mounts its own claim: the simulation binds it before it lets the Pod run.
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } },
          },
        ],
      },
    });
    await waitFor(
      async () => {
        const set = await kube.get<{ status?: { readyReplicas?: number } }>(
          `/apis/apps/v1/namespaces/${ns}/statefulsets/db`,
        );
        return set.status?.readyReplicas === 3;
      },
      { what: `StatefulSet/${ns}/db to have 3 ready replicas`, timeoutMs: 60_000, intervalMs: 200 },
    );
    const order = sim
      .report()
      .pods.filter((pod) => pod.behaviour === 'ready')
      .map((pod) => pod.name);
    assert.deepEqual(order, ['db-0', 'db-1', 'db-2']);
    assert.deepEqual(
      sim
        .report()
        .volumes.map((volume) => `${volume.claim}:${volume.phase}`)
        .sort(),
      ['data-db-0:Bound', 'data-db-1:Bound', 'data-db-2:Bound'],
    );
    assert.deepEqual(sim.report().errors, []);
  });

  it('provisions PersistentVolumes that the real binder binds to Pending claims', async () => {
    const ns = await namespace();
    const claim = (name: string): object => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: {
        storageClassName: 'standard',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    });
    await kube.post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, claim('data'));
    const report = await settle(kube, { namespace: ns, timeoutMs: 30_000 });
    assert.deepEqual(
      report.volumes.map((volume) => [volume.claim, volume.phase]),
      [['data', 'Bound']],
    );
    const phase = await harness.kubectl(CLUSTER, [
      'get',
      'pvc',
      'data',
      '-n',
      ns,
      '-o',
      'jsonpath={.status.phase}',
    ]);
    assert.equal(phase, 'Bound');
    const table = await harness.kubectl(CLUSTER, ['get', 'pvc', '-n', ns]);
    assert.match(table, /data\s+Bound\s+ferry-sim-pv-/);

    // The continuous simulation does the same for claims that appear later.
    const sim = simulate(ns);
    await kube.post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, claim('later'));
    await waitFor(
      () => sim.report().volumes.some((volume) => volume.claim === 'later' && volume.phase === 'Bound'),
      {
        what: `PersistentVolumeClaim/${ns}/later to be bound`,
        timeoutMs: 30_000,
      },
    );
  });

  for (const [behaviour, phase, reason] of [
    ['crashloop', 'Running', 'CrashLoopBackOff'],
    ['image-pull-error', 'Pending', 'ImagePullBackOff'],
  ] as const) {
    it(`shows a Pod marked ${behaviour} as ${reason} to kubectl`, async () => {
      const ns = await namespace();
      await defaultServiceAccountReady(ns);
      await kube.post(`/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'broken', labels: { health: 'bad' } },
        spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
      });
      const rules = [{ labelSelector: { health: 'bad' }, behaviour }];
      const report = await settle(kube, { namespace: ns, rules });
      assert.deepEqual(
        report.pods.map((pod) => [pod.name, pod.behaviour]),
        [['broken', behaviour]],
      );
      const shown = await harness.kubectl(CLUSTER, [
        'get',
        'pod',
        'broken',
        '-n',
        ns,
        '-o',
        'jsonpath={.status.phase} {.status.containerStatuses[0].state.waiting.reason} {.status.conditions[?(@.type=="Ready")].status}',
      ]);
      assert.equal(shown, `${phase} ${reason} False`);
      if (behaviour === 'crashloop') {
        const restarts = await harness.kubectl(CLUSTER, [
          'get',
          'pod',
          'broken',
          '-n',
          ns,
          '-o',
          'jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState.terminated.exitCode}',
        ]);
        assert.equal(restarts, '1 1');
      }
      // Already in its target state: a second pass writes nothing.
      assert.deepEqual((await settle(kube, { namespace: ns, rules })).pods, []);
    });
  }
});
