import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { digest } from '../crypto.ts';
import type { EnrollmentJson } from './enrollment-token.ts';
import type { ClusterJson } from './json.ts';
import { addPendingCluster, at, ENROLLMENT_TTL_MS, errorOf, PUBLIC_URL, testApp } from './test-app.ts';

interface Added {
  readonly cluster: ClusterJson;
  readonly enrollment: EnrollmentJson;
}

describe('adding a cluster and issuing its one-time enrollment token', () => {
  const now = at(600);
  const t = testApp({ now });
  after(t.cleanup);
  const issued: string[] = [];
  const add = async (body: unknown): Promise<{ status: number; added: Added; message: string }> => {
    const answer = await t.request('POST', '/api/v1/clusters', { token: t.adminToken, body });
    const added = answer.json as Added;
    if (answer.status === 201) issued.push(added.enrollment.token);
    return { status: answer.status, added, message: answer.status < 300 ? '' : errorOf(answer).message };
  };

  it('adds a pending cluster with the defaults, and hands out its token and install URL once', async () => {
    const { status, added } = await add({ name: 'new-minimal', repo: 'https://git.example/fleet.git' });
    assert.equal(status, 201);
    assert.equal(added.cluster.name, 'new-minimal');
    assert.equal(added.cluster.state, 'pending');
    assert.deepEqual(added.cluster.labels, {});
    assert.deepEqual(added.cluster.source, {
      repo: 'https://git.example/fleet.git',
      ref: 'main',
      path: '',
      credentialsSecret: null,
    });
    assert.equal(added.cluster.targetNamespace, '');
    assert.equal(added.cluster.stale, false);
    const { token, expiresAt, installUrl } = added.enrollment;
    assert.match(token, /^fye_[A-Za-z0-9_-]{43}$/);
    assert.equal(expiresAt, new Date(now.getTime() + ENROLLMENT_TTL_MS).toISOString());
    assert.equal(installUrl, `${PUBLIC_URL}/install/${token}`);
    // The store keeps only the token's digest, and the token names this cluster.
    const lookup = t.store.enrollmentTokenCluster(digest(token), now);
    assert.equal(lookup.ok, true);
    assert.equal(lookup.cluster.name, 'new-minimal');
  });

  it('adds a cluster with everything given', async () => {
    const { status, added } = await add({
      name: 'new-full',
      labels: { env: 'prod', 'example.com/team': 'a' },
      repo: 'https://git.example/org/fleet.git',
      ref: 'release/1.2',
      path: 'clusters/prod',
      targetNamespace: 'apps',
      credentialsSecret: 'git-credentials',
    });
    assert.equal(status, 201);
    assert.deepEqual(added.cluster.labels, { env: 'prod', 'example.com/team': 'a' });
    assert.deepEqual(added.cluster.source, {
      repo: 'https://git.example/org/fleet.git',
      ref: 'release/1.2',
      path: 'clusters/prod',
      credentialsSecret: 'git-credentials',
    });
    assert.equal(added.cluster.targetNamespace, 'apps');
    assert.deepEqual(t.store.getCluster('new-full')?.labels, { env: 'prod', 'example.com/team': 'a' });
  });

  it('refuses a name that exists: 409', async () => {
    addPendingCluster(t.store, 'existing');
    const answer = await t.request('POST', '/api/v1/clusters', {
      token: t.adminToken,
      body: { name: 'existing', repo: 'https://git.example/other.git' },
    });
    assert.equal(answer.status, 409);
    assert.deepEqual(errorOf(answer), { code: 'conflict', message: 'cluster existing already exists' });
    assert.equal(t.store.getCluster('existing')?.repo, 'https://git.example/fleet.git');
  });

  it('refuses bad bodies, naming each field', async () => {
    const repo = 'https://git.example/fleet.git';
    const cases: [unknown, string | RegExp][] = [
      [{ repo }, 'body field name: is required'],
      [{ name: 'Prod_1', repo }, /^body field name: must be a DNS-1123 label/],
      [{ name: 'x'.repeat(64), repo }, 'body field name: must be at most 63 characters'],
      [{ name: 'c', repo: 42 }, 'body field repo: must be a string'],
      [{ name: 'c' }, 'body field repo: is required'],
      [
        { name: 'c', repo: 'https://ann:secret@git.example/fleet.git' },
        /^body field repo: must not carry a user/,
      ],
      [{ name: 'c', repo: 'https://ghp_x@git.example/fleet.git' }, /^body field repo: must not carry a user/],
      [{ name: 'c', repo: 'file:///srv/fleet.git' }, /^body field repo: must be an http\(s\) URL/],
      [{ name: 'c', repo, ref: 'a..b' }, /^body field ref: must not contain "\.\."/],
      [{ name: 'c', repo, path: '../other' }, 'body field path: must not contain ".."'],
      [{ name: 'c', repo, path: '/etc' }, /^body field path: must be relative/],
      [{ name: 'c', repo, targetNamespace: 'Apps' }, /^body field targetNamespace: must be a DNS-1123 label/],
      [{ name: 'c', repo, labels: { '-bad': 'x' } }, /^body field labels.-bad: the key's name must be/],
      [{ name: 'c', repo, labels: { env: 'has space' } }, /^body field labels.env: must be empty or/],
      [{ name: 'c', repo, labels: { env: 1 } }, 'body field labels.env: must be a string'],
      [{ name: 'c', repo, labels: ['env'] }, /^body field labels: must be an object/],
      [{ name: 'c', repo, image: 'evil' }, 'body field image: is not one this route takes'],
      [[], 'request body: must be a JSON object'],
      ['{not json', 'request body: must be JSON'],
      ['', 'request body: must be JSON'],
    ];
    for (const [body, message] of cases) {
      const { status, message: got } = await add(body);
      assert.equal(status, 400, JSON.stringify(body));
      if (typeof message === 'string') assert.equal(got, message);
      else assert.match(got, message);
    }
    assert.equal(t.store.getCluster('c'), undefined);
  });

  it('refuses a body over 64 KiB', async () => {
    const body = JSON.stringify({
      name: 'big',
      repo: 'https://git.example/fleet.git',
      pad: 'x'.repeat(70_000),
    });
    const answer = await t.request('POST', '/api/v1/clusters', { token: t.adminToken, body });
    assert.equal(answer.status, 400);
    assert.deepEqual(errorOf(answer), {
      code: 'invalid',
      message: 'request body: must be at most 65536 bytes',
    });
    const declared = await t.request('POST', '/api/v1/clusters', {
      token: t.adminToken,
      body,
      headers: { 'content-length': String(body.length) },
    });
    assert.equal(declared.status, 400);
  });

  it('issues a new token for a cluster; the one before stops working', async () => {
    const { added } = await add({ name: 'reissued', repo: 'https://git.example/fleet.git' });
    const first = added.enrollment.token;
    const answer = await t.request('POST', '/api/v1/clusters/reissued/enrollment', { token: t.adminToken });
    assert.equal(answer.status, 201);
    const second = answer.json as EnrollmentJson;
    issued.push(second.token);
    assert.notEqual(second.token, first);
    assert.equal(second.installUrl, `${PUBLIC_URL}/install/${second.token}`);
    assert.deepEqual(t.store.enrollmentTokenCluster(digest(first), now), { ok: false, reason: 'superseded' });
    assert.equal(t.store.enrollmentTokenCluster(digest(second.token), now).ok, true);
  });

  it('issues no token for a cluster it does not know: 404', async () => {
    const answer = await t.request('POST', '/api/v1/clusters/nowhere/enrollment', { token: t.adminToken });
    assert.equal(answer.status, 404);
    assert.equal(errorOf(answer).message, 'cluster nowhere not found');
  });

  it('logs who added what, never a token', () => {
    const added = t.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(
      added.some((line) => line.msg === 'cluster added' && line.cluster === 'new-full' && line.by === 'ann'),
    );
    assert.ok(issued.length >= 3);
    for (const line of t.logLines) {
      for (const token of issued) assert.equal(line.includes(token), false, line);
    }
  });
});
