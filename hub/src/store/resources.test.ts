import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StoreError } from './errors.ts';
import { at, newCluster, ref, resource, T0, tempStore } from './test-store.ts';
import type { ResourceRecord } from './types.ts';

describe('querying a cluster’s resources', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  const all: ResourceRecord[] = [
    resource('web'),
    resource('api', { health: { status: 'Failed', message: 'crash loop' } }),
    resource('db', { drifted: true }),
    { ...resource('settings'), ref: ref('settings', 'ConfigMap') },
    { ...resource('other'), ref: ref('other', 'ConfigMap', 'kube-public') },
  ];
  store.applyAgentBatch(
    'c1',
    [
      {
        epoch: 'e',
        seq: 1,
        type: 'snapshot-chunk',
        chunk: { snapshotId: 's', digest: 'd', index: 0, last: true, resources: all },
      },
    ],
    at(1),
  );
  const names = (items: readonly ResourceRecord[]): string[] => items.map((r) => r.ref.name);

  it('filters by health, kind, namespace and drift', () => {
    assert.deepEqual(names(store.resources('c1', { health: 'Failed', limit: 10 }).items), ['api']);
    assert.deepEqual(names(store.resources('c1', { kind: 'ConfigMap', limit: 10 }).items), [
      'settings',
      'other',
    ]);
    assert.deepEqual(names(store.resources('c1', { namespace: 'kube-public', limit: 10 }).items), ['other']);
    assert.deepEqual(names(store.resources('c1', { drifted: true, limit: 10 }).items), ['db']);
  });

  it('pages in key order with a cursor', () => {
    const first = store.resources('c1', { limit: 2 });
    // Group first ('' for the core group), then kind, namespace and name.
    assert.deepEqual(names(first.items), ['settings', 'other']);
    assert.ok(first.next);
    const second = store.resources('c1', { limit: 2, after: first.next });
    assert.deepEqual(names(second.items), ['api', 'db']);
    const third = store.resources('c1', { limit: 2, after: second.next });
    assert.deepEqual(names(third.items), ['web']);
    assert.equal(third.next, undefined);
  });

  it('refuses a cursor it did not make, and a page size out of range', () => {
    assert.throws(
      () => store.resources('c1', { limit: 2, after: 'bm9wZQ' }),
      (error: unknown) => error instanceof StoreError && error.code === 'invalid-cursor',
    );
    assert.throws(
      () => store.resources('c1', { limit: 0 }),
      (error: unknown) => error instanceof StoreError && error.code === 'invalid-limit',
    );
  });

  it('returns an empty page for an unknown cluster', () => {
    assert.deepEqual(store.resources('nowhere', { limit: 10 }), { items: [] });
  });
});
