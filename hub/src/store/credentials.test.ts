import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, newCluster, T0, tempStore } from './test-store.ts';

const TOKEN = 'a'.repeat(64);
const CREDENTIAL = 'c'.repeat(64);

describe('agent credentials', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  store.issueEnrollmentToken('c1', TOKEN, at(3600), T0);
  store.redeemEnrollment(TOKEN, CREDENTIAL, at(1));

  it('binds a credential to its cluster', () => {
    assert.deepEqual(store.credentialCluster(CREDENTIAL), {
      status: 'active',
      cluster: 'c1',
      connectedAt: undefined,
    });
  });

  it('does not know a digest it never stored', () => {
    assert.deepEqual(store.credentialCluster('d'.repeat(64)), { status: 'unknown' });
  });

  it('keeps a revoked credential, flagged, so that a refused agent is identified', () => {
    assert.equal(store.revokeCredentials('c1', 'operator revoked it', at(100)), 1);
    assert.deepEqual(store.credentialCluster(CREDENTIAL), {
      status: 'revoked',
      cluster: 'c1',
      revokedAt: at(100),
      reason: 'operator revoked it',
    });
    assert.equal(store.revokeCredentials('c1', 'again', at(200)), 0, 'already revoked');
    assert.equal(store.revokeCredentials('nowhere', 'why', at(200)), 0);
  });

  it('refuses a hello with a revoked credential', () => {
    const hello = {
      credentialDigest: CREDENTIAL,
      clusterUid: 'u',
      agentVersion: 'v',
      kubernetesVersion: 'k',
      epoch: 'e',
    };
    assert.deepEqual(store.recordHello('c1', hello, at(300)), { ok: false, reason: 'credential-refused' });
  });
});
