import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, errorOf, T0, testApp } from './test-app.ts';

describe("people's API tokens", () => {
  const now = at(600);
  const t = testApp({ now });
  after(t.cleanup);
  const created: string[] = [];

  it('creates a token with a role and hands it out once: 201', async () => {
    const answer = await t.request('POST', '/api/v1/tokens', {
      token: t.adminToken,
      body: { name: 'ci.deploy', role: 'viewer' },
    });
    assert.equal(answer.status, 201);
    const body = answer.json as { name: string; role: string; token: string };
    created.push(body.token);
    assert.equal(body.name, 'ci.deploy');
    assert.equal(body.role, 'viewer');
    assert.match(body.token, /^fya_[A-Za-z0-9_-]{43}$/);
    const whoami = await t.request('GET', '/api/v1/whoami', { token: body.token });
    assert.deepEqual(whoami.json, { name: 'ci.deploy', role: 'viewer' });
  });

  it('refuses a second active token of the same name: 409', async () => {
    const answer = await t.request('POST', '/api/v1/tokens', {
      token: t.adminToken,
      body: { name: 'ci.deploy', role: 'admin' },
    });
    assert.equal(answer.status, 409);
    assert.deepEqual(errorOf(answer), {
      code: 'conflict',
      message: 'API token ci.deploy already exists (revoke it first)',
    });
  });

  it('refuses a bad body, naming the field', async () => {
    const cases: [unknown, string | RegExp][] = [
      [{ name: 'x', role: 'root' }, 'body field role: must be one of viewer, admin'],
      [{ name: 'has space', role: 'viewer' }, /^body field name: must be letters, digits/],
      [{ role: 'viewer' }, 'body field name: is required'],
      [{ name: 'x', role: 'viewer', token: 'mine' }, 'body field token: is not one this route takes'],
    ];
    for (const [body, message] of cases) {
      const answer = await t.request('POST', '/api/v1/tokens', { token: t.adminToken, body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      if (typeof message === 'string') assert.equal(errorOf(answer).message, message);
      else assert.match(errorOf(answer).message, message);
    }
  });

  it('lists tokens by name and role, never the token or its digest', async () => {
    const answer = await t.request('GET', '/api/v1/tokens', { token: t.viewerToken });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {
      items: [
        { name: 'ann', role: 'admin', createdAt: T0.toISOString(), revokedAt: null },
        { name: 'ci.deploy', role: 'viewer', createdAt: now.toISOString(), revokedAt: null },
        { name: 'vic', role: 'viewer', createdAt: T0.toISOString(), revokedAt: null },
      ],
    });
  });

  it('revokes a token by name: 204; it stops working and stays listed as revoked', async () => {
    const answer = await t.request('DELETE', '/api/v1/tokens/ci.deploy', { token: t.adminToken });
    assert.equal(answer.status, 204);
    assert.equal((await t.request('GET', '/api/v1/whoami', { token: created[0] })).status, 401);
    const listed = await t.request('GET', '/api/v1/tokens', { token: t.adminToken });
    const items = (listed.json as { items: { name: string; revokedAt: string | null }[] }).items;
    assert.deepEqual(
      items.find((item) => item.name === 'ci.deploy'),
      { name: 'ci.deploy', role: 'viewer', createdAt: now.toISOString(), revokedAt: now.toISOString() },
    );
  });

  it('answers 404 for a token name with no active token', async () => {
    const answer = await t.request('DELETE', '/api/v1/tokens/ci.deploy', { token: t.adminToken });
    assert.equal(answer.status, 404);
    assert.equal(errorOf(answer).message, 'API token ci.deploy not found (or already revoked)');
  });

  it('never logs a token it handed out', () => {
    assert.ok(t.logLines.some((line) => line.includes('API token created')));
    for (const line of t.logLines) for (const token of created) assert.equal(line.includes(token), false);
  });
});
