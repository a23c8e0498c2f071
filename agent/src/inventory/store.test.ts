// Pure behaviour of InventoryStore against a small in-memory API server; the end-to-end test runs it
// against a real one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refKey, type ObjectRef } from '@ferry/shared';
import { KubeError, type KubeObject } from '../kube/types.ts';
import { InventoryStore, type InventoryKube } from './store.ts';

const WEB: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const SVC: ObjectRef = { group: '', version: 'v1', kind: 'Service', namespace: 'shop', name: 'web' };

/** Stores objects by key and checks resourceVersion preconditions the way the API server does. */
function memoryKube(): InventoryKube & { objects: Map<string, KubeObject> } {
  const objects = new Map<string, KubeObject>();
  let version = 100;
  const keyOf = (o: KubeObject): string =>
    refKey({
      group: '',
      version: 'v1',
      kind: o.kind,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name,
    });
  const store = (o: KubeObject): KubeObject => {
    const saved = structuredClone({ ...o, metadata: { ...o.metadata, resourceVersion: String(++version) } });
    objects.set(keyOf(saved), saved);
    return structuredClone(saved);
  };
  return {
    objects,
    get: (ref) => Promise.resolve(structuredClone(objects.get(refKey(ref)))),
    create: (o) => {
      if (objects.has(keyOf(o)))
        return Promise.reject(new KubeError('conflict', 'AlreadyExists', { status: 409 }));
      return Promise.resolve(store(o));
    },
    replace: (o) => {
      const current = objects.get(keyOf(o));
      if (current === undefined)
        return Promise.reject(new KubeError('not-found', 'NotFound', { status: 404 }));
      if (current.metadata.resourceVersion !== o.metadata.resourceVersion) {
        return Promise.reject(new KubeError('conflict', 'the object has been modified', { status: 409 }));
      }
      return Promise.resolve(store(o));
    },
  };
}

const LOCATION = { namespace: 'ferry-system', name: 'ferry-inventory' };

describe('InventoryStore', () => {
  it('loads an empty inventory and no resourceVersion when the ConfigMap is absent', async () => {
    const store = new InventoryStore(memoryKube(), LOCATION);
    assert.deepEqual(await store.load(), { inventory: { entries: [] }, resourceVersion: undefined });
  });

  it('creates the ConfigMap with its labels, then reads back what it saved', async () => {
    const kube = memoryKube();
    const store = new InventoryStore(kube, LOCATION);
    const rv = await store.save({ entries: [WEB, SVC] }, undefined);
    const saved = kube.objects.get('/ConfigMap/ferry-system/ferry-inventory');
    assert.deepEqual(saved?.metadata.labels, {
      'app.kubernetes.io/managed-by': 'ferry',
      'ferry.dev/inventory': 'true',
    });
    assert.deepEqual(await store.load(), { inventory: { entries: [SVC, WEB] }, resourceVersion: rv });
  });

  it('replaces with the resourceVersion it read and returns the new one', async () => {
    const store = new InventoryStore(memoryKube(), LOCATION);
    const first = await store.save({ entries: [WEB] }, undefined);
    const second = await store.save({ entries: [WEB, SVC] }, first);
    assert.notEqual(second, first);
    assert.equal((await store.load()).resourceVersion, second);
  });

  it('reports a stale resourceVersion as a conflict naming the ConfigMap', async () => {
    const store = new InventoryStore(memoryKube(), LOCATION);
    const first = await store.save({ entries: [WEB] }, undefined);
    await store.save({ entries: [SVC] }, first);
    await assert.rejects(store.save({ entries: [WEB, SVC] }, first), (error) => {
      assert.ok(error instanceof KubeError);
      assert.equal(error.code, 'conflict');
      assert.match(error.message, /ConfigMap\/ferry-system\/ferry-inventory changed since it was read/);
      return true;
    });
  });

  it('reports creating over an existing inventory as a conflict', async () => {
    const store = new InventoryStore(memoryKube(), LOCATION);
    await store.save({ entries: [WEB] }, undefined);
    await assert.rejects(store.save({ entries: [SVC] }, undefined), {
      name: 'KubeError',
      code: 'conflict',
      message: /ConfigMap\/ferry-system\/ferry-inventory already exists/,
    });
  });

  it('lets other API errors through unchanged', async () => {
    const kube = memoryKube();
    const forbidden = new KubeError('forbidden', 'configmaps is forbidden', { status: 403 });
    kube.create = () => Promise.reject(forbidden);
    await assert.rejects(new InventoryStore(kube, LOCATION).save({ entries: [] }, undefined), forbidden);
  });

  it('refuses a ConfigMap whose data it cannot read, naming it', async () => {
    const kube = memoryKube();
    await kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: LOCATION,
      data: { format: 'v1', entries: 'garbage' },
    });
    await assert.rejects(
      new InventoryStore(kube, LOCATION).load(),
      /ConfigMap\/ferry-system\/ferry-inventory: line 1/,
    );
  });
});
