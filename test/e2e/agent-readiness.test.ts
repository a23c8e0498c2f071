// Disaster-recovery readiness end to end, on a fresh harness cluster of its own: the agent installed with
// `kubectl apply -k deploy/agent`, its ClusterRole narrowed to every API group but one (a CRD's group
// the test makes, so one kind the agent may not list), started from the installed Deployment by the
// in-cluster runner. Git holds a Deployment, a Service, a StatefulSet with a volumeClaimTemplate and
// ConfigMaps in two namespaces; kubectl adds what Git does not describe (a ConfigMap, a Secret, claims
// named as the StatefulSet's would be, a Lease, a Widget). The GitSync's status.drReadiness, as kubectl
// shows it, must list the strays as not in Git, the claims as data, the Widget kind as unknown, and
// nothing that Kubernetes made by itself (the real kube-controller-manager runs: default
// ServiceAccounts, their token Secrets, kube-root-ca.crt, Endpoints, EndpointSlices, ReplicaSets,
// ControllerRevisions; the simulated kubelet makes the Pods ready and binds the claims).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Harness, waitFor } from '../harness/src/index.ts';
import { AGENT_NS, AgentCluster } from './agent-lifecycle-cluster.ts';
import { configMap, deployment } from './agent-lifecycle-fixtures.ts';

const harness = Harness.fromEnv();
const APP = 'shop';
const EXTRA = 'shop-extra';
const FORBIDDEN_GROUP = 'readiness.example.com';

interface DrReadinessView {
  readonly scannedAt?: string;
  readonly message?: string;
  readonly namespaces?: number;
  readonly rebuildable?: number;
  readonly total?: number;
  readonly notInGit?: { readonly count: number; readonly items?: readonly string[] };
  readonly data?: { readonly count: number; readonly items?: readonly string[] };
  readonly unknownKinds?: readonly string[];
  readonly error?: string;
}

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${APP}
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`;

const statefulSet = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${APP}
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: example.invalid/db:1
        volumeMounts:
        - {name: data, mountPath: /var/lib/db}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 100Mi}
`;

const extraNamespace = `apiVersion: v1
kind: Namespace
metadata:
  name: ${EXTRA}
`;

const widgetCrd = JSON.stringify({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${FORBIDDEN_GROUP}` },
  spec: {
    group: FORBIDDEN_GROUP,
    scope: 'Namespaced',
    names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
});

const claim = (name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: APP, labels: { app: 'db' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } },
  });

describe('DR readiness: status.drReadiness of the GitSync', { concurrency: 1 }, () => {
  let fixture: AgentCluster | undefined;
  const on = (): AgentCluster => {
    assert.ok(fixture !== undefined, 'the cluster is installed');
    return fixture;
  };

  before(async () => {
    fixture = await AgentCluster.install(harness, {
      cluster: 'agent-ready',
      profile: 'cluster-wide',
      appNamespace: APP,
      path: 'clusters/ready',
      files: {
        'settings.yaml': configMap(APP, 'settings', 'one'),
        'web.yaml': deployment(APP, 'web'),
        'web-service.yaml': service,
        'db.yaml': statefulSet,
        'extra-namespace.yaml': extraNamespace,
        'extra-settings.yaml': configMap(EXTRA, 'extra-settings', 'one'),
      },
    });
    const kubectl = (args: readonly string[], input?: string) => on().kubectl(args, input);
    // A kind the agent may not list: the ClusterRole names every group served but the Widgets'.
    await kubectl(['apply', '-f', '-'], widgetCrd);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/widgets.${FORBIDDEN_GROUP}`]);
    const groups = (
      JSON.parse(await kubectl(['get', '--raw', '/apis'])) as { groups: { name: string }[] }
    ).groups
      .map((group) => group.name)
      .filter((name) => name !== FORBIDDEN_GROUP);
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'ferry-agent' },
        rules: [
          { apiGroups: ['', ...groups], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['get'] },
        ],
      }),
    );
    // What Git does not describe, made before the agent's first sync (and so its first scan).
    await kubectl(['-n', APP, 'create', 'configmap', 'stray', '--from-literal=key=by-hand']);
    await kubectl(['-n', APP, 'create', 'secret', 'generic', 'stray-secret', '--from-literal=token=by-hand']);
    await kubectl(['apply', '-f', '-'], claim('data-db-1'));
    await kubectl(['apply', '-f', '-'], claim('data-db-2'));
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'some-controller', namespace: APP },
        spec: { holderIdentity: 'someone' },
      }),
    );
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: `${FORBIDDEN_GROUP}/v1`,
        kind: 'Widget',
        metadata: { name: 'gadget', namespace: APP },
      }),
    );
    on().startKubelet(APP);
    await on().startAgent();
  });
  after(() => fixture?.destroy());

  const drReadiness = async (): Promise<DrReadinessView | undefined> => {
    const text = await on().kubectl(['-n', AGENT_NS, 'get', 'gitsync', 'ferry', '-o', 'json']);
    return (JSON.parse(text) as { status?: { drReadiness?: DrReadinessView } }).status?.drReadiness;
  };

  /** Waits for a report scanned after `since` (ISO time), when given. */
  const waitReport = (what: string, since = ''): Promise<DrReadinessView> =>
    waitFor(
      async () => {
        const view = await drReadiness().catch(() => undefined);
        return view?.scannedAt !== undefined && view.scannedAt > since ? view : undefined;
      },
      { what, timeoutMs: 120_000, intervalMs: 500, onTimeout: () => ({ logTail: on().logTails() }) },
    );

  /** Log lines of every agent whose msg matches. */
  const logged = (msg: RegExp): number =>
    on().agents.reduce(
      (sum, agent) =>
        sum +
        on()
          .log(agent)
          .filter((entry) => msg.test(entry.msg)).length,
      0,
    );
  const scans = (): number => logged(/^dr readiness: /);
  const syncsDone = (): number => logged(/^sync done$/);

  let first: DrReadinessView | undefined;

  it('lists the strays as not in Git, the StatefulSet’s claims as data, the Widget kind as unknown', async () => {
    const head = await harness.repos().head(on().repo, 'main');
    await on().waitReady('True', 'the first sync', head);
    first = await waitReport('the first readiness report');
    assert.equal(first.error, undefined);
    assert.deepEqual(first.notInGit, {
      count: 2,
      items: [`ConfigMap ${APP}/stray`, `Secret ${APP}/stray-secret`],
    });
    assert.deepEqual(first.data, {
      count: 3,
      items: [0, 1, 2].map((i) => `PersistentVolumeClaim ${APP}/data-db-${i}`),
    });
    assert.deepEqual(first.unknownKinds, [`Widget.${FORBIDDEN_GROUP}/v1`]);
    // Git's ConfigMaps (two namespaces), Deployment, Service and StatefulSet; nothing Kubernetes made.
    assert.equal(first.rebuildable, 5);
    assert.equal(first.total, 10);
    assert.equal(first.namespaces, 2);
    assert.equal(
      first.message,
      'rebuildable from Git: 5 of 10 objects (2 not in Git, 3 data volumes, 1 kind not listed)',
    );
  });

  it('left out objects that Kubernetes made, which are there', async () => {
    const names = async (kind: string, namespace = APP): Promise<string[]> =>
      (
        JSON.parse(await on().kubectl(['-n', namespace, 'get', kind, '-o', 'json'])) as {
          items: { metadata: { name: string } }[];
        }
      ).items.map((item) => item.metadata.name);
    for (const namespace of [APP, EXTRA]) {
      assert.ok((await names('serviceaccounts', namespace)).includes('default'));
      assert.ok((await names('configmaps', namespace)).includes('kube-root-ca.crt'));
      assert.ok((await names('secrets', namespace)).some((name) => name.startsWith('default-token-')));
    }
    assert.ok((await names('endpoints')).includes('web'));
    assert.ok((await names('endpointslices.discovery.k8s.io')).some((name) => name.startsWith('web-')));
    assert.ok((await names('replicasets')).some((name) => name.startsWith('web-')));
    assert.ok((await names('pods')).includes('db-0'));
    assert.ok((await names('controllerrevisions')).some((name) => name.startsWith('db-')));
    assert.ok((await names('leases')).includes('some-controller'));
  });

  it('a sync that changes nothing scans no more (within 10 minutes)', async () => {
    const before = scans();
    assert.ok(before >= 1, 'the agent logged its scan');
    const done = syncsDone();
    await on().requestSync();
    await waitFor(() => syncsDone() > done, {
      what: 'the requested sync to end',
      timeoutMs: 60_000,
      intervalMs: 250,
      onTimeout: () => ({ logTail: on().logTails() }),
    });
    // A scan would start as the sync ends: give it a moment to show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(scans(), before);
    assert.equal((await drReadiness())?.scannedAt, first?.scannedAt);
  });

  it('scans again when the inventory changed: the stray ConfigMap, put in Git, becomes rebuildable', async () => {
    const since = first?.scannedAt ?? '';
    const sha = await on().commit({ 'stray.yaml': configMap(APP, 'stray', 'by-hand') });
    await on().requestSync();
    await on().waitReady('True', 'the sync of the stray ConfigMap', sha);
    const next = await waitReport('a report after the inventory changed', since);
    assert.deepEqual(next.notInGit, { count: 1, items: [`Secret ${APP}/stray-secret`] });
    assert.equal(next.rebuildable, 6);
    assert.equal(next.total, 10);
  });
});
