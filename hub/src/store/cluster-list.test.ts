import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Cluster } from './types.ts';
import { at, newCluster, sync, T0, tempStore } from './test-store.ts';

const STALE_AFTER_MS = 60_000;

describe('listing the fleet', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  let seq = 0;
  // Twelve clusters: a..l. Even ones are prod; every third one has been heard from, some long ago.
  const names = 'abcdefghijkl'.split('');
  names.forEach((name, index) => {
    store.createCluster(newCluster(name, { env: index % 2 === 0 ? 'prod' : 'dev', team: 'core' }), T0);
    if (index % 3 !== 0) return;
    const credential = `${index}`.padStart(64, '0');
    store.issueEnrollmentToken(name, credential.replace(/^0/, 'f'), at(3600), T0);
    store.redeemEnrollment(credential.replace(/^0/, 'f'), credential, at(1));
    const hello = {
      credentialDigest: credential,
      clusterUid: name,
      agentVersion: 'v',
      kubernetesVersion: 'k',
      epoch: 'e',
    };
    store.recordHello(name, hello, at(index * 10));
    const result = index === 6 ? 'failed' : 'applied';
    const health = { status: index === 6 ? 'Failed' : 'Current', message: '' } as const;
    store.applyAgentBatch(
      name,
      [{ epoch: 'e', seq: (seq += 1), type: 'sync', sync: sync(`${name}-1`, at(1), { result, health }) }],
      at(index * 10),
    );
  });
  const listed = (items: readonly Cluster[]): string[] => items.map((c) => c.name);

  it('lists by name, a page at a time, with a cursor to the next page', () => {
    const first = store.listClusters({ limit: 5 });
    assert.deepEqual(listed(first.items), ['a', 'b', 'c', 'd', 'e']);
    const second = store.listClusters({ limit: 5, after: first.next });
    assert.deepEqual(listed(second.items), ['f', 'g', 'h', 'i', 'j']);
    const third = store.listClusters({ limit: 5, after: second.next });
    assert.deepEqual(listed(third.items), ['k', 'l']);
    assert.equal(third.next, undefined);
  });

  it('keeps a cursor stable while clusters are added and deleted before and after it', () => {
    const first = store.listClusters({ limit: 3 });
    assert.deepEqual(listed(first.items), ['a', 'b', 'c']);
    store.createCluster(newCluster('aa'), T0);
    store.createCluster(newCluster('cc'), T0);
    store.deleteCluster('b');
    const second = store.listClusters({ limit: 3, after: first.next });
    assert.deepEqual(listed(second.items), ['cc', 'd', 'e']);
    store.deleteCluster('aa');
    store.deleteCluster('cc');
  });

  it('filters by labels, all of which must match', () => {
    assert.deepEqual(listed(store.listClusters({ labelSelector: { env: 'prod' }, limit: 100 }).items), [
      'a',
      'c',
      'e',
      'g',
      'i',
      'k',
    ]);
    assert.deepEqual(
      listed(store.listClusters({ labelSelector: { env: 'prod', team: 'core' }, limit: 3 }).items),
      ['a', 'c', 'e'],
    );
    assert.deepEqual(
      listed(store.listClusters({ labelSelector: { env: 'prod', team: 'edge' }, limit: 100 }).items),
      [],
    );
  });

  it('filters by health, sync result and state', () => {
    assert.deepEqual(listed(store.listClusters({ health: 'Failed', limit: 100 }).items), ['g']);
    assert.deepEqual(listed(store.listClusters({ syncState: 'applied', limit: 100 }).items), ['a', 'd', 'j']);
    assert.deepEqual(listed(store.listClusters({ state: 'enrolled', limit: 100 }).items), [
      'a',
      'd',
      'g',
      'j',
    ]);
  });

  it('filters the stale: heard from, but not since a time', () => {
    assert.deepEqual(listed(store.listClusters({ stale: { olderThan: at(35) }, limit: 100 }).items), [
      'a',
      'd',
    ]);
  });

  it('filters the others: never heard from, or heard from since a time', () => {
    // b was deleted above.
    assert.deepEqual(listed(store.listClusters({ fresh: { since: at(35) }, limit: 100 }).items), [
      'c',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
      'k',
      'l',
    ]);
    assert.deepEqual(
      listed(store.listClusters({ fresh: { since: at(35) }, state: 'enrolled', limit: 100 }).items),
      ['g', 'j'],
    );
  });

  it('lists every name, sorted', () => {
    assert.deepEqual(store.clusterNames(), ['a', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
  });

  it('counts the fleet by state, health and sync result, and the stale', () => {
    assert.deepEqual(store.summaryCounts(at(95), STALE_AFTER_MS), {
      total: 11,
      byState: { pending: 7, enrolled: 4, recovering: 0 },
      byHealth: { Current: 3, InProgress: 0, Failed: 1, Terminating: 0, Unknown: 0, none: 7 },
      bySync: { applied: 3, failed: 1, 'prune-blocked': 0, none: 7 },
      stale: 2,
    });
  });
});
