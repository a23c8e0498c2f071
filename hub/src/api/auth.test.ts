import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { errorOf, testApp } from './test-app.ts';

describe('who may call the API', () => {
  const t = testApp();
  after(t.cleanup);

  it('answers /healthz to anyone', async () => {
    const answer = await t.request('GET', '/healthz');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { ok: true });
  });

  it('refuses a request with no token: 401 with a JSON error and a Bearer challenge', async () => {
    const answer = await t.request('GET', '/api/v1/clusters');
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="ferry"');
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    const error = errorOf(answer);
    assert.equal(error.code, 'unauthorized');
    assert.match(error.message, /Authorization: Bearer <API token>/);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const answer = await t.request('GET', '/api/v1/clusters', {
      headers: { authorization: 'Basic YW5uOng=' },
    });
    assert.equal(answer.status, 401);
    assert.match(errorOf(answer).message, /must be "Bearer <API token>"/);
  });

  it('refuses a token it never issued, without echoing it', async () => {
    const answer = await t.request('GET', '/api/v1/clusters', { token: 'not-a-token-of-this-hub' });
    assert.equal(answer.status, 401);
    assert.equal(errorOf(answer).code, 'unauthorized');
    assert.doesNotMatch(answer.text, /not-a-token-of-this-hub/);
  });

  it('refuses a revoked token, naming it by its name', async () => {
    const created = await t.request('POST', '/api/v1/tokens', {
      token: t.adminToken,
      body: { name: 'gone', role: 'viewer' },
    });
    const { token } = created.json as { token: string };
    assert.equal((await t.request('GET', '/api/v1/whoami', { token })).status, 200);
    assert.equal((await t.request('DELETE', '/api/v1/tokens/gone', { token: t.adminToken })).status, 204);
    const answer = await t.request('GET', '/api/v1/whoami', { token });
    assert.equal(answer.status, 401);
    assert.equal(errorOf(answer).message, 'the API token "gone" was revoked');
    assert.equal(answer.text.includes(token), false);
  });

  it('tells each token who it is', async () => {
    const admin = await t.request('GET', '/api/v1/whoami', { token: t.adminToken });
    assert.deepEqual(admin.json, { name: 'ann', role: 'admin' });
    const viewer = await t.request('GET', '/api/v1/whoami', { token: t.viewerToken });
    assert.deepEqual(viewer.json, { name: 'vic', role: 'viewer' });
  });

  it('lets a viewer read and refuses it everything else with 403', async () => {
    assert.equal((await t.request('GET', '/api/v1/clusters', { token: t.viewerToken })).status, 200);
    assert.equal((await t.request('GET', '/api/v1/summary', { token: t.viewerToken })).status, 200);
    const post = await t.request('POST', '/api/v1/clusters', {
      token: t.viewerToken,
      body: { name: 'c1', repo: 'https://git.example/fleet.git' },
    });
    assert.equal(post.status, 403);
    assert.deepEqual(errorOf(post), {
      code: 'forbidden',
      message:
        'the API token "vic" has role viewer, which may only read (GET); POST /api/v1/clusters needs role admin',
    });
    for (const [method, path] of [
      ['DELETE', '/api/v1/clusters/c1'],
      ['POST', '/api/v1/clusters/c1/refresh'],
      ['POST', '/api/v1/clusters/c1/enrollment'],
      ['POST', '/api/v1/tokens'],
      ['DELETE', '/api/v1/tokens/ann'],
    ] as const) {
      assert.equal(
        (await t.request(method, path, { token: t.viewerToken })).status,
        403,
        `${method} ${path}`,
      );
    }
  });

  it('needs no API token for the agent enrollment exchange (its token is the authority)', async () => {
    const answer = await t.request('POST', '/api/v1/enroll', { body: {} });
    assert.equal(answer.status, 400);
    assert.equal(errorOf(answer).code, 'invalid');
  });

  it('answers an unknown route with a JSON 404, after auth under /api/v1', async () => {
    const outside = await t.request('GET', '/nowhere');
    assert.equal(outside.status, 404);
    assert.deepEqual(errorOf(outside), { code: 'not-found', message: 'no route GET /nowhere' });
    assert.equal((await t.request('GET', '/api/v1/nowhere')).status, 401);
    const inside = await t.request('PUT', '/api/v1/clusters', { token: t.adminToken });
    assert.equal(inside.status, 404);
    assert.equal(errorOf(inside).code, 'not-found');
  });

  it('marks every answer not to be cached', async () => {
    assert.equal((await t.request('GET', '/healthz')).headers.get('cache-control'), 'no-store');
    assert.equal((await t.request('GET', '/api/v1/clusters')).headers.get('cache-control'), 'no-store');
  });

  it('never writes a token into its log', () => {
    assert.ok(t.logLines.length > 0);
    for (const line of t.logLines) {
      assert.equal(line.includes(t.adminToken) || line.includes(t.viewerToken), false, line);
    }
  });
});
