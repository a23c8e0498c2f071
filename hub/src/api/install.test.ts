import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { digest, newToken } from '../crypto.ts';
import type { Cluster } from '../store/index.ts';
import { addPendingCluster, at, errorOf, testApp } from './test-app.ts';

describe('serving the install manifest at its one-time token', () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  const tokens: string[] = [];
  const issue = (name: string, expiresAt = at(3600), issuedAt = at(0)): string => {
    const token = newToken('enrollment');
    tokens.push(token);
    t.store.issueEnrollmentToken(name, digest(token), expiresAt, issuedAt);
    return token;
  };
  addPendingCluster(t.store, 'pending');
  addPendingCluster(t.store, 'used');
  addPendingCluster(t.store, 'expired');
  addPendingCluster(t.store, 'superseded');

  it('serves the rendered manifest with this token in it, as YAML, without using the token', async () => {
    const token = issue('pending');
    for (let i = 0; i < 2; i += 1) {
      const answer = await t.request('GET', `/install/${token}`);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('content-type'), 'application/yaml');
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      assert.equal(
        answer.text,
        `cluster: pending\nrepo: https://git.example/fleet.git\nenrollmentToken: ${token}\n`,
      );
    }
    // Still good for the agent's exchange.
    const enrolled = await t.request('POST', '/api/v1/enroll', {
      body: { token, credentialDigest: digest(newToken('api')) },
    });
    assert.equal(enrolled.status, 200);
  });

  it('serves nothing for a used token: 404', async () => {
    const token = issue('used');
    t.store.redeemEnrollment(digest(token), digest(newToken('api')), at(1));
    const answer = await t.request('GET', `/install/${token}`);
    assert.equal(answer.status, 404);
    assert.deepEqual(errorOf(answer), {
      code: 'not-found',
      message: 'no install manifest: the enrollment token has been used; issue a new one for the cluster',
    });
  });

  it('serves nothing for an unknown, an expired or a superseded token: 404', async () => {
    const expired = issue('expired', at(600));
    const superseded = issue('superseded');
    issue('superseded', at(3600), at(1));
    const cases = [
      [newToken('api'), 'is not one this hub issued'],
      ['x'.repeat(300), 'is not one this hub issued'],
      [expired, 'has expired'],
      [superseded, 'was replaced by a newer one'],
    ] as const;
    for (const [token, why] of cases) {
      const answer = await t.request('GET', `/install/${token}`);
      assert.equal(answer.status, 404, why);
      assert.equal(
        errorOf(answer).message,
        `no install manifest: the enrollment token ${why}; issue a new one for the cluster`,
      );
    }
  });

  it('never logs the token in the path', () => {
    assert.ok(t.logLines.some((line) => line.includes('/install/[redacted]')));
    for (const line of t.logLines)
      for (const token of tokens) assert.equal(line.includes(token), false, line);
  });
});

describe('an install manifest that fails to render', () => {
  const t = testApp({
    now: at(600),
    renderInstall: (cluster: Cluster) => {
      throw new Error(`no static manifest for ${cluster.name}`);
    },
  });
  after(t.cleanup);
  addPendingCluster(t.store, 'pending');

  it('answers 500 internal, with no detail in the answer and the cause in the log', async () => {
    const token = newToken('enrollment');
    t.store.issueEnrollmentToken('pending', digest(token), at(3600), at(0));
    const answer = await t.request('GET', `/install/${token}`);
    assert.equal(answer.status, 500);
    assert.deepEqual(errorOf(answer), {
      code: 'internal',
      message: 'the hub failed to answer this request; its log has the details',
    });
    const logged = t.logLines.find((line) => line.includes('request failed'));
    assert.ok(logged !== undefined);
    assert.match(logged, /no static manifest for pending/);
    assert.equal(logged.includes(token), false);
  });
});
