import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRef, refKey, type ObjectRef } from '@ferry/shared';
import {
  KubeError,
  refOf,
  type ApplyOptions,
  type KubeApi,
  type KubeObject,
  type ResourceInfo,
} from '../kube/index.ts';
import {
  applyRevision,
  DEFAULT_APPLY_REVISION_OPTIONS,
  type ApplyRevisionOptions,
} from './apply-revision.ts';
import type { DesiredObject, DesiredSet } from './desired.ts';

const info = (group: string, kind: string, resource: string, namespaced: boolean): ResourceInfo => ({
  group,
  version: 'v1',
  kind,
  resource,
  namespaced,
  verbs: ['get', 'list', 'patch'],
});
const BUILT_IN = [
  info('', 'Namespace', 'namespaces', false),
  info('', 'ConfigMap', 'configmaps', true),
  info('apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions', false),
];
const namespaceRef = (name: string): ObjectRef => ({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  namespace: '',
  name,
});
const kindKey = (ref: Pick<ObjectRef, 'group' | 'kind'>): string => `${ref.group}/${ref.kind}`;

/**
 * An API server in memory, as far as the apply verb asks: discovery (a CRD's kind is served once the
 * CRD is stored, unless told otherwise), reads, and server-side apply that refuses `spec.bogusField`
 * and a missing namespace, as the real one does, in a dry-run as in a write. Every apply is recorded.
 */
class FakeCluster {
  readonly stored = new Map<string, KubeObject>();
  readonly served = new Map(BUILT_IN.map((i) => [kindKey(i), i]));
  /** `dry-run Kind/ns/name` or `apply Kind/ns/name`, in the order asked. */
  readonly calls: string[] = [];
  /** Kinds whose CRD is stored but never served (discovery lags for ever). */
  readonly neverServed = new Set<string>();

  constructor(namespaces: readonly string[] = []) {
    for (const name of namespaces) this.#store({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  has(ref: ObjectRef): boolean {
    return this.stored.has(refKey(ref));
  }

  #store(object: KubeObject): void {
    const ref = refOf(object);
    if (ref.kind === 'Namespace') object = { ...object, status: { phase: 'Active' } };
    if (ref.kind === 'CustomResourceDefinition') {
      object = { ...object, status: { conditions: [{ type: 'Established', status: 'True' }] } };
      const spec = object.spec as { group: string; names: { kind: string; plural: string }; scope: string };
      if (!this.neverServed.has(spec.names.kind))
        this.served.set(
          kindKey({ group: spec.group, kind: spec.names.kind }),
          info(spec.group, spec.names.kind, spec.names.plural, spec.scope === 'Namespaced'),
        );
    }
    this.stored.set(refKey(ref), object);
  }

  #served(ref: ObjectRef, what: string): ResourceInfo {
    const found = this.served.get(kindKey(ref));
    if (found === undefined)
      throw new KubeError('unknown-kind', `${what}: the API server does not serve kind ${ref.kind}`);
    return found;
  }

  /** Server-side apply, as far as these tests need: a kind served, its namespace there, no bogus field. */
  #apply(object: KubeObject, options: ApplyOptions): KubeObject {
    const ref = refOf(object);
    const what = `${options.dryRun ? 'dry-run apply' : 'apply'} ${formatRef(ref)}`;
    this.calls.push(`${options.dryRun ? 'dry-run' : 'apply'} ${formatRef(ref)}`);
    const kind = this.#served(ref, what);
    if (kind.namespaced && !this.has(namespaceRef(ref.namespace)))
      throw new KubeError('not-found', `${what}: namespaces "${ref.namespace}" not found (HTTP 404)`);
    if ((object.spec as { bogusField?: unknown } | undefined)?.bogusField !== undefined)
      throw new KubeError('invalid', `${what}: .spec.bogusField: field not declared in schema (HTTP 500)`);
    if (!options.dryRun) this.#store(object);
    return object;
  }

  get api(): KubeApi {
    const api: Pick<KubeApi, 'resolve' | 'invalidateDiscovery' | 'get' | 'list' | 'apply'> = {
      resolve: (group, _version, kind) => Promise.resolve(this.served.get(kindKey({ group, kind }))),
      invalidateDiscovery: () => undefined,
      get: (ref) => {
        this.#served(ref, `get ${formatRef(ref)}`);
        return Promise.resolve(this.stored.get(refKey(ref)));
      },
      list: (kind, options = {}) =>
        Promise.resolve(
          [...this.stored.values()].filter(
            (o) =>
              o.kind === kind.kind &&
              (options.namespace === undefined || o.metadata.namespace === options.namespace),
          ),
        ),
      apply: (object, options) => Promise.resolve().then(() => this.#apply(object, options)),
    };
    return api as KubeApi;
  }
}

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const configMap = (ns: string, name: string, spec?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data: { key: 'v' },
  ...(spec !== undefined ? { spec } : {}),
});
const crd = (group: string, kind: string): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: { group, names: { kind, plural: `${kind.toLowerCase()}s` }, scope: 'Namespaced' },
});
const gadget = (ns: string, name: string): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name, namespace: ns },
  spec: { size: 3 },
});

/** The desired set of these files (file name → its objects), kinds resolved as discovery answers now. */
function desiredOf(cluster: FakeCluster, files: Record<string, KubeObject[]>): DesiredSet {
  const objects = Object.entries(files).flatMap(([file, manifests]) =>
    manifests.map((manifest, i): DesiredObject => ({
      ref: refOf(manifest),
      manifest,
      source: `${file}:${i * 10 + 1}`,
      info: cluster.served.get(kindKey(refOf(manifest))),
    })),
  );
  return {
    owner: { namespace: 'ferry-system', name: 'ferry' },
    objects,
    unknown: [],
    unresolvedKinds: new Set(),
  };
}

const OPTIONS: ApplyRevisionOptions = { ...DEFAULT_APPLY_REVISION_OPTIONS, readyTimeoutMs: 200 };
const actions = (changeSet: readonly { ref: ObjectRef; action: string }[]): Record<string, string> =>
  Object.fromEntries(changeSet.map((entry) => [formatRef(entry.ref), entry.action]));

describe('applyRevision', () => {
  it('applies an object in a namespace this revision creates once, with no dry-run', async () => {
    const cluster = new FakeCluster();
    const desired = desiredOf(cluster, { 'app.yaml': [namespace('shop'), configMap('shop', 'settings')] });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure, undefined, JSON.stringify(result.changeSet));
    assert.deepEqual(actions(result.changeSet), {
      'Namespace/shop': 'created',
      'ConfigMap/shop/settings': 'created',
    });
    assert.deepEqual(cluster.calls, [
      'dry-run Namespace/shop',
      'apply Namespace/shop',
      'apply ConfigMap/shop/settings',
    ]);
  });

  it('applies a custom resource of a CRD this revision creates once, with no dry-run', async () => {
    const cluster = new FakeCluster(['shop']);
    const desired = desiredOf(cluster, {
      'crd.yaml': [crd('example.com', 'Gadget')],
      'gadget.yaml': [gadget('shop', 'g1')],
    });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure, undefined, JSON.stringify(result.changeSet));
    assert.equal(actions(result.changeSet)['Gadget.example.com/shop/g1'], 'created');
    assert.deepEqual(
      cluster.calls.filter((call) => call.includes('Gadget.example.com')),
      ['apply Gadget.example.com/shop/g1'],
    );
  });

  it('dry-runs an object in a namespace that exists before anything is written', async () => {
    const cluster = new FakeCluster(['shop']);
    const desired = desiredOf(cluster, { 'app.yaml': [namespace('fresh'), configMap('shop', 'settings')] });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure, undefined, JSON.stringify(result.changeSet));
    assert.deepEqual(cluster.calls.slice(0, 2).sort(), [
      'dry-run ConfigMap/shop/settings',
      'dry-run Namespace/fresh',
    ]);
    assert.ok(cluster.calls.includes('apply ConfigMap/shop/settings'));
  });

  it('writes nothing when an object in a namespace that exists fails its dry-run, even with new namespaces', async () => {
    const cluster = new FakeCluster(['shop']);
    const desired = desiredOf(cluster, {
      'fresh.yaml': [namespace('fresh'), configMap('fresh', 'ok')],
      'bad.yaml': [configMap('shop', 'bad', { bogusField: 1 })],
    });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure?.step, 'plan');
    assert.match(result.failure.message, /nothing was written/);
    assert.deepEqual(
      cluster.calls.filter((call) => call.startsWith('apply')),
      [],
    );
    assert.match(result.changeSet[0]?.message ?? '', /ConfigMap\/shop\/bad: .*bogusField.*\(bad\.yaml:1\)/);
  });

  it('a bad object in a new namespace: the others of its stage are applied, the sync fails naming it', async () => {
    const cluster = new FakeCluster();
    const desired = desiredOf(cluster, {
      'shop.yaml': [
        namespace('shop'),
        configMap('shop', 'good'),
        configMap('shop', 'bad', { bogusField: 1 }),
      ],
    });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure?.step, 'apply');
    assert.match(result.failure.message, /configuration: 1 object\(s\) failed to apply/);
    assert.deepEqual(actions(result.changeSet), {
      'Namespace/shop': 'created',
      'ConfigMap/shop/good': 'created',
      'ConfigMap/shop/bad': 'failed',
    });
    const failed = result.changeSet.find((entry) => entry.action === 'failed');
    assert.ok(failed !== undefined);
    assert.equal(failed.source, 'shop.yaml:21');
    assert.match(failed.message ?? '', /^apply ConfigMap\/shop\/bad: .*bogusField.*\(shop\.yaml:21\)$/);
    assert.ok(cluster.has(refOf(configMap('shop', 'good'))));
    assert.ok(!cluster.has(refOf(configMap('shop', 'bad'))));
    assert.ok(!cluster.calls.some((call) => call.startsWith('dry-run ConfigMap')), cluster.calls.join(', '));
  });

  it('dry-runs an object whose namespace neither exists nor comes with the revision, and fails the plan', async () => {
    const cluster = new FakeCluster();
    const desired = desiredOf(cluster, { 'app.yaml': [configMap('nowhere', 'settings')] });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure?.step, 'plan');
    assert.deepEqual(cluster.calls, ['dry-run ConfigMap/nowhere/settings']);
    assert.match(result.changeSet[0]?.message ?? '', /namespaces "nowhere" not found.*\(app\.yaml:1\)/);
  });

  it('fails the plan naming the object and its file when a CRD of the revision never serves its kind', async () => {
    const cluster = new FakeCluster(['shop']);
    cluster.neverServed.add('Gadget');
    const desired = desiredOf(cluster, {
      'crd.yaml': [crd('example.com', 'Gadget')],
      'gadget.yaml': [gadget('shop', 'g1')],
    });
    const result = await applyRevision(cluster.api, desired, OPTIONS);
    assert.equal(result.failure?.step, 'plan');
    const failed = result.changeSet.find((entry) => entry.action === 'failed');
    assert.match(
      failed?.message ?? '',
      /Gadget\.example\.com\/shop\/g1: .*does not serve kind Gadget.*\(gadget\.yaml:1\)/,
    );
    assert.ok(!cluster.calls.includes('apply Gadget.example.com/shop/g1'));
  });

  it('plans only (sync --dry-run): writes nothing, and leaves new-namespace objects to be validated later', async () => {
    const cluster = new FakeCluster();
    const desired = desiredOf(cluster, { 'app.yaml': [namespace('shop'), configMap('shop', 'settings')] });
    const result = await applyRevision(cluster.api, desired, { ...OPTIONS, dryRun: true });
    assert.equal(result.failure, undefined, JSON.stringify(result.changeSet));
    assert.deepEqual(cluster.calls, ['dry-run Namespace/shop']);
    assert.equal(
      result.changeSet.find((entry) => entry.ref.kind === 'ConfigMap')?.message,
      'validated when its namespace or kind exists',
    );
  });
});
