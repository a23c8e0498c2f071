import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Hello } from './hello.ts';
import { at, newCluster, resource, T0, tempStore } from './test-store.ts';

function hello(credentialDigest: string, clusterUid: string): Hello {
  return {
    credentialDigest,
    clusterUid,
    agentVersion: '0.1.0',
    kubernetesVersion: 'v1.20.2',
    epoch: clusterUid,
  };
}

describe('disaster recovery in the registry', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('lost'), T0);
  store.issueEnrollmentToken('lost', '1'.repeat(64), at(3600), T0);
  store.redeemEnrollment('1'.repeat(64), '2'.repeat(64), at(1));
  store.recordHello('lost', hello('2'.repeat(64), 'old-uid'), at(2));
  store.applyAgentBatch(
    'lost',
    [
      {
        epoch: 'old-uid',
        seq: 1,
        type: 'snapshot-chunk',
        chunk: {
          snapshotId: 's1',
          digest: 'd1',
          index: 0,
          last: true,
          resources: [resource('a'), resource('b')],
        },
      },
    ],
    at(3),
  );

  it('revokes the old credential, stops its tokens, forgets its UID and keeps its resources as the target', () => {
    assert.deepEqual(store.beginRecovery('lost', at(100)), {
      ok: true,
      revokedCredentials: 1,
      expectedObjects: 2,
    });
    const cluster = store.getCluster('lost');
    assert.equal(cluster?.state, 'recovering');
    assert.equal(cluster.clusterUid, undefined);
    assert.deepEqual(cluster.recovery, { startedAt: at(100), finishedAt: undefined, expectedObjects: 2 });
    assert.equal(store.credentialCluster('2'.repeat(64)).status, 'revoked');
    assert.deepEqual(store.redeemEnrollment('1'.repeat(64), '2'.repeat(64), at(101)), {
      ok: false,
      reason: 'superseded',
    });
    assert.equal(store.resources('lost', { limit: 10 }).items.length, 2);
  });

  it('lets the new cluster enroll with a new token and its own UID, still recovering', () => {
    store.issueEnrollmentToken('lost', '3'.repeat(64), at(3700), at(110));
    assert.equal(store.redeemEnrollment('3'.repeat(64), '4'.repeat(64), at(120)).ok, true);
    const result = store.recordHello('lost', hello('4'.repeat(64), 'new-uid'), at(130));
    assert.deepEqual(result, { ok: true, firstHello: true, state: 'recovering', lastSeq: 0 });
    assert.equal(store.getCluster('lost')?.clusterUid, 'new-uid');
  });

  it('finishes with how long recovery took, and the cluster enrolled again', () => {
    assert.deepEqual(store.finishRecovery('lost', at(400)), { ok: true, durationMs: 300_000 });
    const cluster = store.getCluster('lost');
    assert.equal(cluster?.state, 'enrolled');
    assert.deepEqual(cluster.recovery?.finishedAt, at(400));
    assert.deepEqual(store.finishRecovery('lost', at(500)), { ok: false, reason: 'not-recovering' });
  });

  it('answers unknown-cluster for a cluster that does not exist', () => {
    assert.deepEqual(store.beginRecovery('nowhere', at(1)), { ok: false, reason: 'unknown-cluster' });
    assert.deepEqual(store.finishRecovery('nowhere', at(1)), { ok: false, reason: 'unknown-cluster' });
  });
});
