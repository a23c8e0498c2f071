import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { digest, newToken } from '../crypto.ts';
import { addPendingCluster, at, errorOf, testApp, type Answer } from './test-app.ts';

describe("the agent's enrollment exchange", () => {
  const t = testApp({ now: at(600) });
  after(t.cleanup);
  const tokens: string[] = [];
  /** A cluster with a fresh one-time token issued at `issuedAt`, valid until `expiresAt`. */
  const clusterWithToken = (name: string, expiresAt = at(3600), issuedAt = at(0)): string => {
    addPendingCluster(t.store, name);
    return issueToken(name, expiresAt, issuedAt);
  };
  const issueToken = (name: string, expiresAt = at(3600), issuedAt = at(0)): string => {
    const token = newToken('enrollment');
    tokens.push(token);
    assert.equal(t.store.issueEnrollmentToken(name, digest(token), expiresAt, issuedAt), true);
    return token;
  };
  const enroll = (token: string, credentialDigest: string): Promise<Answer> =>
    t.request('POST', '/api/v1/enroll', { body: { token, credentialDigest } });
  const refusal = async (answer: Promise<Answer>): Promise<{ reason?: string; message: string }> => {
    const refused = await answer;
    assert.equal(refused.status, 403);
    const { code, ...rest } = errorOf(refused);
    assert.equal(code, 'enrollment-refused');
    return rest;
  };

  it('trades the token and the credential digest for the cluster name', async () => {
    const token = clusterWithToken('fresh');
    const credential = digest(newToken('api'));
    const answer = await enroll(token, credential);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { cluster: 'fresh' });
    assert.deepEqual(t.store.credentialCluster(credential), {
      status: 'active',
      cluster: 'fresh',
      connectedAt: undefined,
    });
  });

  it('answers the same again for the same digest (the agent crashed before it saved the answer)', async () => {
    const token = clusterWithToken('retried');
    const credential = digest(newToken('api'));
    for (let i = 0; i < 3; i += 1) {
      const answer = await enroll(token, credential);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { cluster: 'retried' });
    }
  });

  it('refuses the used token for any other credential: reason used', async () => {
    const token = clusterWithToken('stolen');
    assert.equal((await enroll(token, digest(newToken('api')))).status, 200);
    const thief = digest(newToken('api'));
    assert.deepEqual(await refusal(enroll(token, thief)), {
      reason: 'used',
      message: 'the enrollment token was already traded for another credential, or its agent has connected',
    });
    assert.deepEqual(t.store.credentialCluster(thief), { status: 'unknown' });
  });

  it('refuses the token for good once the agent has connected with its credential', async () => {
    const token = clusterWithToken('connected');
    const credential = digest(newToken('api'));
    assert.equal((await enroll(token, credential)).status, 200);
    const hello = {
      credentialDigest: credential,
      clusterUid: 'u',
      agentVersion: 'a',
      kubernetesVersion: 'k',
    };
    assert.equal(t.store.recordHello('connected', { ...hello, epoch: 'e' }, at(601)).ok, true);
    assert.equal((await refusal(enroll(token, credential))).reason, 'used');
  });

  it('refuses a token it never issued: reason unknown', async () => {
    assert.deepEqual(await refusal(enroll(newToken('enrollment'), digest(newToken('api')))), {
      reason: 'unknown',
      message: 'the enrollment token is not one this hub issued',
    });
  });

  it('refuses an expired token: reason expired', async () => {
    const token = clusterWithToken('expired', at(599));
    assert.equal((await refusal(enroll(token, digest(newToken('api'))))).reason, 'expired');
  });

  it('refuses a token superseded by a newer one: reason superseded; the newer one works', async () => {
    const first = clusterWithToken('superseded');
    const second = issueToken('superseded', at(3600), at(1));
    assert.equal((await refusal(enroll(first, digest(newToken('api'))))).reason, 'superseded');
    assert.equal((await enroll(second, digest(newToken('api')))).status, 200);
  });

  it("refuses a credential digest that is another cluster's credential: reason credential-in-use", async () => {
    const credential = digest(newToken('api'));
    assert.equal((await enroll(clusterWithToken('owner'), credential)).status, 200);
    const refused = await refusal(enroll(clusterWithToken('claimer'), credential));
    assert.equal(refused.reason, 'credential-in-use');
    assert.match(refused.message, /^credentialDigest: /);
    assert.equal(t.store.credentialCluster(credential).status, 'active');
  });

  it('refuses a bad body, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ credentialDigest: digest('x') }, 'body field token: is required'],
      [{ token: '', credentialDigest: digest('x') }, 'body field token: must not be empty'],
      [
        { token: 'x'.repeat(257), credentialDigest: digest('x') },
        'body field token: must be at most 256 characters',
      ],
      [
        { token: 't', credentialDigest: digest('x').toUpperCase() },
        'body field credentialDigest: must be a SHA-256 digest: 64 lowercase hex digits',
      ],
      [{ token: 't' }, 'body field credentialDigest: is required'],
      [
        { token: 't', credentialDigest: digest('x'), credential: 'c' },
        'body field credential: is not one this route takes',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await t.request('POST', '/api/v1/enroll', { body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.deepEqual(errorOf(answer), { code: 'invalid', message });
    }
  });

  it('logs enrollments and refusals, never a token', () => {
    const lines = t.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.some((line) => line.msg === 'agent enrolled' && line.cluster === 'fresh'));
    assert.ok(lines.some((line) => line.msg === 'enrollment refused' && line.reason === 'superseded'));
    for (const line of t.logLines)
      for (const token of tokens) assert.equal(line.includes(token), false, line);
  });
});
