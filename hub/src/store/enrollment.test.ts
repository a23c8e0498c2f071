import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { digest, newToken } from '../crypto.ts';
import { DEFAULT_ENROLLMENT_TTL_MS, enrollmentExpiry } from './enrollment.ts';
import type { Hello } from './hello.ts';
import { at, newCluster, T0, tempStore } from './test-store.ts';

function hello(credentialDigest: string): Hello {
  return {
    credentialDigest,
    clusterUid: 'uid',
    agentVersion: '0.1.0',
    kubernetesVersion: 'v1.20.2',
    epoch: 'e',
  };
}

describe('enrollment with a one-time token', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  for (const name of ['c1', 'c2', 'c3', 'c4']) store.createCluster(newCluster(name), T0);
  const expires = enrollmentExpiry(T0);

  it('expires after 24 hours by default', () => {
    assert.equal(DEFAULT_ENROLLMENT_TTL_MS, 86_400_000);
    assert.deepEqual(expires, new Date('2025-01-02T00:00:00Z'));
  });

  it('does not issue a token for an unknown cluster', () => {
    assert.equal(store.issueEnrollmentToken('nowhere', digest(newToken('enrollment')), expires, T0), false);
  });

  it('refuses a token it never issued', () => {
    assert.deepEqual(store.redeemEnrollment(digest(newToken('enrollment')), digest(newToken('api')), T0), {
      ok: false,
      reason: 'unknown',
    });
  });

  it('trades the token for the credential digest, and again for the same digest after a crash', () => {
    const token = digest(newToken('enrollment'));
    const credential = digest(newToken('api'));
    assert.equal(store.issueEnrollmentToken('c1', token, expires, T0), true);
    assert.deepEqual(store.redeemEnrollment(token, credential, at(10)), {
      ok: true,
      cluster: 'c1',
      repeated: false,
    });
    assert.deepEqual(store.credentialCluster(credential), {
      status: 'active',
      cluster: 'c1',
      connectedAt: undefined,
    });
    // The agent crashed before it saved its credential's answer: the same exchange again is harmless.
    assert.deepEqual(store.redeemEnrollment(token, credential, at(20)), {
      ok: true,
      cluster: 'c1',
      repeated: true,
    });
    assert.deepEqual(store.redeemEnrollment(token, credential, at(30)), {
      ok: true,
      cluster: 'c1',
      repeated: true,
    });
    assert.equal(store.credentialCluster(credential).status, 'active');
  });

  it('refuses the used token for any other credential digest', () => {
    const token = digest(newToken('enrollment'));
    const credential = digest(newToken('api'));
    const thief = digest(newToken('api'));
    store.issueEnrollmentToken('c2', token, expires, T0);
    store.redeemEnrollment(token, credential, at(10));
    assert.deepEqual(store.redeemEnrollment(token, thief, at(11)), { ok: false, reason: 'used' });
    assert.deepEqual(store.credentialCluster(thief), { status: 'unknown' });
  });

  it('refuses the token for good once the agent has connected with its credential', () => {
    const token = digest(newToken('enrollment'));
    const credential = digest(newToken('api'));
    store.issueEnrollmentToken('c3', token, expires, T0);
    store.redeemEnrollment(token, credential, at(10));
    assert.equal(store.recordHello('c3', hello(credential), at(12)).ok, true);
    assert.deepEqual(store.redeemEnrollment(token, credential, at(13)), { ok: false, reason: 'used' });
    const lookup = store.credentialCluster(credential);
    assert.equal(lookup.status, 'active');
    assert.deepEqual(lookup.connectedAt, at(12));
  });

  it('refuses an unused token after it expires', () => {
    const token = digest(newToken('enrollment'));
    store.issueEnrollmentToken('c4', token, at(60), T0);
    assert.deepEqual(store.redeemEnrollment(token, digest(newToken('api')), at(60)), {
      ok: false,
      reason: 'expired',
    });
  });

  it('still answers a retry of an exchange made before the token expired', () => {
    const token = digest(newToken('enrollment'));
    const credential = digest(newToken('api'));
    store.issueEnrollmentToken('c4', token, at(60), T0);
    store.redeemEnrollment(token, credential, at(59));
    assert.deepEqual(store.redeemEnrollment(token, credential, at(120)), {
      ok: true,
      cluster: 'c4',
      repeated: true,
    });
  });

  it('stops an earlier token when a new one is issued for the cluster', () => {
    const first = digest(newToken('enrollment'));
    const second = digest(newToken('enrollment'));
    store.issueEnrollmentToken('c4', first, expires, at(200));
    store.issueEnrollmentToken('c4', second, expires, at(201));
    assert.deepEqual(store.redeemEnrollment(first, digest(newToken('api')), at(202)), {
      ok: false,
      reason: 'superseded',
    });
    assert.equal(store.redeemEnrollment(second, digest(newToken('api')), at(202)).ok, true);
  });

  it('keeps one active credential per cluster: a new enrollment revokes the one before', () => {
    const oldCredential = digest(newToken('api'));
    const newCredential = digest(newToken('api'));
    const token1 = digest(newToken('enrollment'));
    store.createCluster(newCluster('c5'), T0);
    store.issueEnrollmentToken('c5', token1, expires, T0);
    store.redeemEnrollment(token1, oldCredential, at(1));
    const token2 = digest(newToken('enrollment'));
    store.issueEnrollmentToken('c5', token2, expires, at(2));
    store.redeemEnrollment(token2, newCredential, at(3));
    assert.equal(store.credentialCluster(newCredential).status, 'active');
    assert.deepEqual(store.credentialCluster(oldCredential), {
      status: 'revoked',
      cluster: 'c5',
      revokedAt: at(3),
      reason: 'replaced by a new enrollment',
    });
  });

  it('refuses a credential digest that already belongs to a credential', () => {
    const token = digest(newToken('enrollment'));
    const credential = digest(newToken('api'));
    store.createCluster(newCluster('c6'), T0);
    store.createCluster(newCluster('c7'), T0);
    const first = digest(newToken('enrollment'));
    store.issueEnrollmentToken('c6', first, expires, T0);
    store.redeemEnrollment(first, credential, at(1));
    store.issueEnrollmentToken('c7', token, expires, T0);
    assert.deepEqual(store.redeemEnrollment(token, credential, at(2)), {
      ok: false,
      reason: 'credential-in-use',
    });
    assert.deepEqual(store.credentialCluster(credential), {
      status: 'active',
      cluster: 'c6',
      connectedAt: undefined,
    });
  });
});

describe('looking up the cluster of a one-time token without using it', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  for (const name of ['pending', 'used', 'expired', 'superseded']) store.createCluster(newCluster(name), T0);
  const expires = enrollmentExpiry(T0);

  it('names the cluster of a valid token, as often as asked, and the token still redeems', () => {
    const token = digest(newToken('enrollment'));
    store.issueEnrollmentToken('pending', token, expires, T0);
    for (const now of [at(1), at(2)]) {
      const lookup = store.enrollmentTokenCluster(token, now);
      assert.equal(lookup.ok, true);
      assert.equal(lookup.cluster.name, 'pending');
      assert.equal(lookup.cluster.path, 'clusters/pending');
      assert.equal(lookup.cluster.state, 'pending');
      assert.deepEqual(lookup.expiresAt, expires);
    }
    assert.equal(store.redeemEnrollment(token, digest(newToken('api')), at(3)).ok, true);
  });

  it('refuses a token it never issued', () => {
    assert.deepEqual(store.enrollmentTokenCluster(digest(newToken('enrollment')), T0), {
      ok: false,
      reason: 'unknown',
    });
  });

  it('refuses a used token, even while its exchange may still be retried', () => {
    const token = digest(newToken('enrollment'));
    store.issueEnrollmentToken('used', token, expires, T0);
    store.redeemEnrollment(token, digest(newToken('api')), at(1));
    assert.deepEqual(store.enrollmentTokenCluster(token, at(2)), { ok: false, reason: 'used' });
  });

  it('refuses a token from the moment it expires', () => {
    const token = digest(newToken('enrollment'));
    store.issueEnrollmentToken('expired', token, at(60), T0);
    assert.equal(store.enrollmentTokenCluster(token, at(59)).ok, true);
    assert.deepEqual(store.enrollmentTokenCluster(token, at(60)), { ok: false, reason: 'expired' });
  });

  it('refuses a token superseded by a newer one, and answers for the newer one', () => {
    const first = digest(newToken('enrollment'));
    const second = digest(newToken('enrollment'));
    store.issueEnrollmentToken('superseded', first, expires, at(1));
    store.issueEnrollmentToken('superseded', second, expires, at(2));
    assert.deepEqual(store.enrollmentTokenCluster(first, at(3)), { ok: false, reason: 'superseded' });
    assert.equal(store.enrollmentTokenCluster(second, at(3)).ok, true);
  });

  it('refuses a token once its cluster is deleted', () => {
    const token = digest(newToken('enrollment'));
    store.createCluster(newCluster('deleted'), T0);
    store.issueEnrollmentToken('deleted', token, expires, T0);
    store.deleteCluster('deleted');
    assert.deepEqual(store.enrollmentTokenCluster(token, at(1)), { ok: false, reason: 'unknown' });
  });
});
