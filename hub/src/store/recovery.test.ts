import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Hello } from './hello.ts';
import { at, newCluster, resource, sync, T0, tempStore } from './test-store.ts';

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
      { epoch: 'old-uid', seq: 2, type: 'sync', sync: sync('s-old', at(3)) },
    ],
    at(3),
  );

  it('revokes the old credential, stops its tokens, forgets its UID and keeps its resources as the target', () => {
    assert.deepEqual(store.beginRecovery('lost', at(100)), {
      ok: true,
      revokedCredentials: 1,
      expectedObjects: 2,
      recordedRevision: 'rev-s-old',
      started: true,
    });
    const cluster = store.getCluster('lost');
    assert.equal(cluster?.state, 'recovering');
    assert.equal(cluster.clusterUid, undefined);
    assert.deepEqual(cluster.recovery, {
      startedAt: at(100),
      finishedAt: undefined,
      expectedObjects: 2,
      recordedRevision: 'rev-s-old',
    });
    assert.deepEqual(store.checkRecovery('lost', at(100)), {
      status: 'in-progress',
      waitingFor: 'first-sync',
    });
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

  it('keeps the first target when recovery is asked for again', () => {
    assert.deepEqual(store.beginRecovery('lost', at(140)), {
      ok: true,
      revokedCredentials: 1,
      expectedObjects: 2,
      recordedRevision: 'rev-s-old',
      started: false,
    });
    assert.deepEqual(store.getCluster('lost')?.recovery?.startedAt, at(100));
    store.issueEnrollmentToken('lost', '5'.repeat(64), at(3700), at(141));
    assert.equal(store.redeemEnrollment('5'.repeat(64), '6'.repeat(64), at(142)).ok, true);
    assert.equal(store.recordHello('lost', hello('6'.repeat(64), 'newer-uid'), at(143)).ok, true);
  });

  it('counts the recorded objects that are back, and finishes once Git is applied and healthy', () => {
    const report = (seq: number, record: Parameters<typeof sync>[2], names: string[], t: number): void => {
      store.applyAgentBatch(
        'lost',
        [
          {
            epoch: 'newer-uid',
            seq,
            type: 'snapshot-chunk',
            chunk: {
              snapshotId: `n${String(seq)}`,
              digest: `d${String(seq)}`,
              index: 0,
              last: true,
              resources: names.map((name) => resource(name)),
            },
          },
          { epoch: 'newer-uid', seq: seq + 1, type: 'sync', sync: sync(`s${String(seq)}`, at(t), record) },
        ],
        at(t),
      );
    };
    report(1, { result: 'failed' }, ['a'], 200);
    assert.deepEqual(store.recoveryProgress('lost'), { back: 1, expected: 2 });
    assert.deepEqual(store.checkRecovery('lost', at(200)), {
      status: 'in-progress',
      waitingFor: 'sync-success',
    });
    report(3, { health: { status: 'InProgress', message: 'rolling out' } }, ['a', 'b', 'c'], 300);
    assert.deepEqual(store.recoveryProgress('lost'), { back: 2, expected: 2 });
    assert.deepEqual(store.checkRecovery('lost', at(300)), { status: 'in-progress', waitingFor: 'health' });
    report(5, {}, ['a', 'b', 'c'], 400);
    assert.deepEqual(store.checkRecovery('lost', at(400)), {
      status: 'recovered',
      durationMs: 300_000,
      revision: 'rev-s5',
    });
    const cluster = store.getCluster('lost');
    assert.equal(cluster?.state, 'enrolled');
    assert.deepEqual(cluster.recovery?.finishedAt, at(400));
    assert.deepEqual(store.checkRecovery('lost', at(401)), { status: 'not-recovering' });
    assert.deepEqual(store.finishRecovery('lost', at(500)), { ok: false, reason: 'not-recovering' });
  });

  it('finishes by hand with how long recovery took', () => {
    store.createCluster(newCluster('manual'), T0);
    assert.equal(store.beginRecovery('manual', at(100)).ok, true);
    assert.deepEqual(store.recoveryProgress('manual'), { back: 0, expected: 0 });
    assert.deepEqual(store.finishRecovery('manual', at(400)), { ok: true, durationMs: 300_000 });
    assert.equal(store.getCluster('manual')?.state, 'enrolled');
  });

  it('answers unknown-cluster for a cluster that does not exist', () => {
    assert.deepEqual(store.beginRecovery('nowhere', at(1)), { ok: false, reason: 'unknown-cluster' });
    assert.deepEqual(store.finishRecovery('nowhere', at(1)), { ok: false, reason: 'unknown-cluster' });
    assert.deepEqual(store.checkRecovery('nowhere', at(1)), { status: 'not-recovering' });
    assert.equal(store.recoveryProgress('nowhere'), undefined);
  });
});
