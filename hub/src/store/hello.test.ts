import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Hello } from './hello.ts';
import { at, newCluster, T0, tempStore } from './test-store.ts';

const TOKEN = '1'.repeat(64);
const CREDENTIAL = '2'.repeat(64);

function hello(overrides: Partial<Hello> = {}): Hello {
  return {
    credentialDigest: CREDENTIAL,
    clusterUid: 'uid-1',
    agentVersion: '0.1.0',
    kubernetesVersion: 'v1.20.2',
    epoch: 'e1',
    ...overrides,
  };
}

describe('an agent saying hello', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  store.issueEnrollmentToken('c1', TOKEN, at(3600), T0);
  store.redeemEnrollment(TOKEN, CREDENTIAL, at(1));

  it('is refused for an unknown cluster or a credential that is not the cluster’s', () => {
    assert.deepEqual(store.recordHello('nowhere', hello(), at(2)), { ok: false, reason: 'unknown-cluster' });
    assert.deepEqual(store.recordHello('c1', hello({ credentialDigest: '3'.repeat(64) }), at(2)), {
      ok: false,
      reason: 'credential-refused',
    });
  });

  it('enrolls the cluster at the first hello and fixes its UID and versions', () => {
    assert.deepEqual(store.recordHello('c1', hello(), at(10)), {
      ok: true,
      firstHello: true,
      state: 'enrolled',
      lastSeq: 0,
    });
    const cluster = store.getCluster('c1');
    assert.equal(cluster?.state, 'enrolled');
    assert.equal(cluster.clusterUid, 'uid-1');
    assert.equal(cluster.agentVersion, '0.1.0');
    assert.equal(cluster.kubernetesVersion, 'v1.20.2');
    assert.deepEqual(cluster.enrolledAt, at(10));
    assert.deepEqual(cluster.lastHeardAt, at(10));
    assert.equal(store.credentialCluster(CREDENTIAL).status, 'active');
  });

  it('tells a reconnecting agent the last seq stored for its epoch', () => {
    store.applyAgentBatch('c1', [{ epoch: 'e1', seq: 7, type: 'heartbeat' }], at(11));
    const again = store.recordHello('c1', hello({ agentVersion: '0.1.1' }), at(20));
    assert.deepEqual(again, { ok: true, firstHello: false, state: 'enrolled', lastSeq: 7 });
    assert.deepEqual(store.getCluster('c1')?.enrolledAt, at(10), 'enrolled once');
    assert.equal(store.getCluster('c1')?.agentVersion, '0.1.1');
  });

  it('refuses a hello from another cluster UID and keeps the refusal for the fleet view', () => {
    assert.deepEqual(store.recordHello('c1', hello({ clusterUid: 'uid-2' }), at(30)), {
      ok: false,
      reason: 'cluster-uid-mismatch',
      expected: 'uid-1',
      got: 'uid-2',
    });
    const cluster = store.getCluster('c1');
    assert.equal(cluster?.clusterUid, 'uid-1');
    assert.ok(cluster.refusal);
    assert.deepEqual(cluster.refusal.at, at(30));
    assert.match(cluster.refusal.message, /uid-2.*uid-1/);
    store.recordHello('c1', hello(), at(40));
    assert.equal(store.getCluster('c1')?.refusal, undefined, 'an accepted hello clears it');
  });

  it('keeps a connection refused for a revoked credential on the cluster, until a hello is accepted', () => {
    assert.equal(store.recordRefusal('c1', 'refused a connection with a revoked credential', at(50)), true);
    assert.deepEqual(store.getCluster('c1')?.refusal, {
      message: 'refused a connection with a revoked credential',
      at: at(50),
    });
    assert.equal(store.recordRefusal('nowhere', 'x', at(50)), false);
    store.recordHello('c1', hello(), at(60));
    assert.equal(store.getCluster('c1')?.refusal, undefined);
  });

  it('notes that a cluster was heard from, never moving the time back', () => {
    assert.equal(store.markHeard('c1', at(100)), true);
    assert.equal(store.markHeard('c1', at(50)), true);
    assert.deepEqual(store.getCluster('c1')?.lastHeardAt, at(100));
    assert.equal(store.markHeard('nowhere', at(100)), false);
  });
});
