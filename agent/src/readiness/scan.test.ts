// scanReadiness over a cluster given as plain data: which lists it asks for (cluster-wide, per namespace
// after a 403, whole for StatefulSets), what it counts, and which kinds end up unknown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import { KubeError, type KubeObject, type ResourceInfo } from '../kube/types.ts';
import { readinessRef } from './format.ts';
import { scanReadiness, type ScanKube, type ScanOptions } from './scan.ts';

const info = (
  group: string,
  version: string,
  kind: string,
  resource: string,
  namespaced = true,
): ResourceInfo => ({
  group,
  version,
  kind,
  resource,
  namespaced,
  verbs: ['get', 'list', 'watch'],
});

const RESOURCES = [
  info('', 'v1', 'ConfigMap', 'configmaps'),
  info('', 'v1', 'Secret', 'secrets'),
  info('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims'),
  info('', 'v1', 'Event', 'events'),
  info('', 'v1', 'Namespace', 'namespaces', false),
  info('apps', 'v1', 'StatefulSet', 'statefulsets'),
  info('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  info('example.com', 'v1', 'Widget', 'widgets'),
];

const object = (
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  rest = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { namespace, name, uid: `${kind}-${namespace}-${name}`, managedFields: [] },
  ...rest,
});

const CLUSTER: readonly KubeObject[] = [
  object('v1', 'ConfigMap', 'shop', 'settings'),
  object('v1', 'ConfigMap', 'shop', 'manual'),
  object('v1', 'ConfigMap', 'web', 'settings'),
  object('v1', 'ConfigMap', 'kube-system', 'other'),
  object('v1', 'Secret', 'shop', 'api-key'),
  object('v1', 'PersistentVolumeClaim', 'shop', 'data-db-0'),
  object('apps/v1', 'StatefulSet', 'shop', 'db', {
    spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
  }),
];

interface Call {
  readonly verb: 'listMetadata' | 'list';
  readonly kind: string;
  readonly namespace: string | undefined;
}

/** Lists CLUSTER; `forbidden(kind, namespace)` answers 403 (namespace undefined: cluster-wide). */
function fakeKube(forbidden: (kind: string, namespace: string | undefined) => boolean) {
  const calls: Call[] = [];
  const answer = (
    verb: Call['verb'],
    resource: ResourceInfo,
    namespace: string | undefined,
  ): KubeObject[] => {
    calls.push({ verb, kind: resource.kind, namespace });
    if (forbidden(resource.kind, namespace))
      throw new KubeError('forbidden', `list ${resource.kind}: forbidden (HTTP 403)`, { status: 403 });
    return CLUSTER.filter(
      (o) => o.kind === resource.kind && (namespace === undefined || o.metadata.namespace === namespace),
    ).map((o) => (verb === 'list' ? o : { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }));
  };
  const kube: ScanKube = {
    listResources: () => Promise.resolve(RESOURCES),
    listMetadata: (resource, options = {}) =>
      Promise.resolve({ items: answer('listMetadata', resource, options.namespace), requests: 1 }),
    list: (resource, options = {}) => Promise.resolve(answer('list', resource, options.namespace)),
  };
  return { kube, calls };
}

const ref = (group: string, kind: string, namespace: string, name: string): ObjectRef => ({
  group,
  version: 'v1',
  kind,
  namespace,
  name,
});

const OPTIONS: ScanOptions = {
  managed: [
    ref('', 'ConfigMap', 'shop', 'settings'),
    ref('', 'ConfigMap', 'web', 'settings'),
    ref('apps', 'StatefulSet', 'shop', 'db'),
  ],
  targetNamespace: 'shop',
  agentNamespace: 'ferry-system',
  watchNamespaces: [],
  concurrency: 2,
  now: () => new Date('2026-01-02T03:04:05.000Z'),
};

describe('scanReadiness', () => {
  it('lists each namespaced kind once, cluster-wide, Events and Leases aside; StatefulSets whole', async () => {
    const { kube, calls } = fakeKube(() => false);
    const { report, requests, failures } = await scanReadiness(kube, OPTIONS);
    assert.deepEqual(calls.map((c) => `${c.verb} ${c.kind} ${c.namespace ?? '*'}`).sort(), [
      'list StatefulSet *',
      'listMetadata ConfigMap *',
      'listMetadata PersistentVolumeClaim *',
      'listMetadata Secret *',
      'listMetadata Widget *',
    ]);
    assert.equal(requests, 1 + 5);
    assert.deepEqual(failures, []);
    assert.deepEqual(report.namespaces, ['shop', 'web']);
    assert.equal(report.rebuildable, 3);
    assert.deepEqual(report.notInGit.items.map(readinessRef), [
      'ConfigMap shop/manual',
      'Secret shop/api-key',
    ]);
    assert.deepEqual(report.data.items.map(readinessRef), ['PersistentVolumeClaim shop/data-db-0']);
    assert.equal(report.total, 6);
    assert.deepEqual(report.unknownKinds, []);
    assert.equal(report.scannedAt, '2026-01-02T03:04:05.000Z');
  });

  it('falls back to one list per managed namespace on a 403; a kind still forbidden is unknown', async () => {
    const { kube, calls } = fakeKube(
      (kind, namespace) =>
        namespace === undefined || (kind === 'Secret' && namespace === 'web') || kind === 'Widget',
    );
    const { report, requests } = await scanReadiness(kube, OPTIONS);
    assert.equal(calls.filter((c) => c.kind === 'ConfigMap').length, 3);
    assert.equal(requests, 1 + 5 * 3);
    assert.deepEqual(report.unknownKinds, ['Secret/v1', 'Widget.example.com/v1']);
    // What the agent could list still counts: the Secret in shop.
    assert.deepEqual(report.notInGit.items.map(readinessRef), [
      'ConfigMap shop/manual',
      'Secret shop/api-key',
    ]);
  });

  it('in the namespace-scoped profile lists per namespace at once, only those it may read', async () => {
    const { kube, calls } = fakeKube((_kind, namespace) => namespace === undefined);
    const { report } = await scanReadiness(kube, { ...OPTIONS, watchNamespaces: ['shop'] });
    assert.ok(calls.every((c) => c.namespace === 'shop'));
    assert.deepEqual(report.namespaces, ['shop']);
    assert.equal(report.rebuildable, 2);
  });

  it('lists per namespace when only one is managed, and metadata only without a StatefulSet in Git', async () => {
    const { kube, calls } = fakeKube(() => false);
    await scanReadiness(kube, { ...OPTIONS, managed: [ref('', 'ConfigMap', 'shop', 'settings')] });
    assert.ok(calls.every((c) => c.namespace === 'shop' && c.verb === 'listMetadata'));
  });

  it('makes no request when no namespace is managed', async () => {
    const { kube, calls } = fakeKube(() => false);
    const { report, requests } = await scanReadiness(kube, {
      ...OPTIONS,
      managed: [],
      targetNamespace: 'ferry-system',
    });
    assert.equal(requests, 0);
    assert.equal(calls.length, 0);
    assert.equal(report.total, 0);
  });

  it('a kind whose list fails otherwise is unknown, with why', async () => {
    const { kube } = fakeKube(() => false);
    const failing: ScanKube = {
      ...kube,
      listMetadata: (resource, options) =>
        resource.kind === 'Widget'
          ? Promise.reject(new KubeError('unavailable', 'list Widget: the server is unavailable (HTTP 503)'))
          : kube.listMetadata(resource, options),
    };
    const { report, failures } = await scanReadiness(failing, OPTIONS);
    assert.deepEqual(report.unknownKinds, ['Widget.example.com/v1']);
    assert.deepEqual(failures, ['Widget.example.com/v1: list Widget: the server is unavailable (HTTP 503)']);
  });

  it('stops when the agent stops', async () => {
    const { kube } = fakeKube(() => false);
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(scanReadiness(kube, { ...OPTIONS, signal: stop.signal }), /stopping/);
  });
});
