import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isStale } from './clusters.ts';
import { at, newCluster, T0, tempStore } from './test-store.ts';

describe('the cluster registry', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);

  it('creates a cluster in state pending with its labels and repo path', () => {
    const created = store.createCluster(newCluster('prod-eu', { env: 'prod' }), T0);
    assert.equal(created.ok, true);
    const cluster = store.getCluster('prod-eu');
    assert.ok(cluster);
    assert.equal(cluster.state, 'pending');
    assert.deepEqual(cluster.labels, { env: 'prod' });
    assert.equal(cluster.path, 'clusters/prod-eu');
    assert.deepEqual(cluster.createdAt, T0);
    assert.equal(cluster.clusterUid, undefined);
    assert.equal(cluster.lastHeardAt, undefined);
    assert.equal(cluster.sync, undefined);
    assert.equal(cluster.health, undefined);
  });

  it('refuses a second cluster of the same name', () => {
    assert.deepEqual(store.createCluster(newCluster('prod-eu'), T0), { ok: false, reason: 'name-taken' });
  });

  it('returns undefined for a cluster that does not exist', () => {
    assert.equal(store.getCluster('nowhere'), undefined);
  });

  it('replaces labels', () => {
    assert.equal(store.setLabels('prod-eu', { env: 'prod', region: 'eu' }), true);
    assert.deepEqual(store.getCluster('prod-eu')?.labels, { env: 'prod', region: 'eu' });
    assert.equal(store.setLabels('nowhere', {}), false);
  });

  it('names the clusters that follow a repo', () => {
    store.createCluster({ ...newCluster('other'), repo: 'https://git.example/other.git' }, T0);
    store.createCluster(newCluster('dev'), T0);
    assert.deepEqual(store.clustersFollowing('https://git.example/fleet.git'), ['dev', 'prod-eu']);
    assert.deepEqual(store.clustersFollowing('https://git.example/none.git'), []);
  });

  it('reads many clusters in one statement, as one at a time would, leaving out those that do not exist', () => {
    const names = ['dev', 'nowhere', 'prod-eu', 'it\'s "odd"'];
    const found = store.getClusters(names).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(found, [store.getCluster('dev'), store.getCluster('prod-eu')]);
    assert.deepEqual(store.getClusters([]), []);
  });

  it('deletes a cluster with what is kept about it', () => {
    store.issueEnrollmentToken('dev', 'a'.repeat(64), at(3600), T0);
    assert.equal(store.deleteCluster('dev'), true);
    assert.equal(store.getCluster('dev'), undefined);
    assert.deepEqual(store.redeemEnrollment('a'.repeat(64), 'b'.repeat(64), T0), {
      ok: false,
      reason: 'unknown',
    });
    assert.equal(store.deleteCluster('dev'), false);
  });

  it('calls a cluster stale once it has not been heard from for longer than the limit', () => {
    assert.equal(
      isStale({ lastHeardAt: undefined }, at(1000), 60_000),
      false,
      'never heard: pending, not stale',
    );
    assert.equal(isStale({ lastHeardAt: at(0) }, at(60), 60_000), false);
    assert.equal(isStale({ lastHeardAt: at(0) }, at(61), 60_000), true);
  });
});
