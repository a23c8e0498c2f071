// POST /api/v1/webhooks/git through app.request(): the provider's proof over the raw body is the
// authority (no API token), and a push becomes refresh hints to the connected followers only.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { T0 } from '../store/test-store.ts';
import type { WebhookSecrets } from '../webhooks/index.ts';
import { MAX_WEBHOOK_BODY_BYTES } from './routes/webhooks.ts';
import { errorOf, testApp, type Answer, type TestApp } from './test-app.ts';

const PATH = '/api/v1/webhooks/git';
const SHARED = 'the-shared-webhook-secret';
const OWN = 'the-gitlab-fleet-own-secret';
const SECRETS: WebhookSecrets = {
  shared: SHARED,
  byRepo: new Map([['gitlab.example.com/Infra/platform/fleet', OWN]]),
};

/** A fixture's bytes as a provider sends them (indented, its own key order): signed as they are. */
function payload(name: string): string {
  return readFileSync(new URL(`../webhooks/fixtures/${name}.json`, import.meta.url), 'utf8');
}
const sign = (body: string, secret = SHARED): string =>
  createHmac('sha256', secret).update(body, 'utf8').digest('hex');

describe('POST /api/v1/webhooks/git', () => {
  let t: TestApp;

  const addCluster = (name: string, repo: string, ref: string): void => {
    const created = t.store.createCluster(
      { name, labels: {}, repo, ref, path: `clusters/${name}`, targetNamespace: '', credentialsSecret: '' },
      T0,
    );
    assert.ok(created.ok);
  };
  const connect = (cluster: string, repo: string, ref: string): void => {
    t.channel.connected.add(cluster);
    t.channel.live.push({ cluster, repo, ref });
  };
  const github = (body: string, headers: Record<string, string> = {}): Promise<Answer> =>
    t.request('POST', PATH, {
      body,
      headers: { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${sign(body)}`, ...headers },
    });

  beforeEach(() => {
    t = testApp({ webhookSecrets: SECRETS });
    // Followers of github.com/acme/fleet, written in several ways.
    addCluster('prod-a', 'https://github.com/acme/fleet.git', 'main');
    addCluster('prod-b', 'git@github.com:acme/fleet.git', 'branch:main');
    addCluster('prod-c', 'https://github.com/acme/fleet', 'main');
    addCluster('canary', 'https://github.com/acme/fleet.git', 'canary');
    addCluster('release', 'https://github.com/acme/fleet.git', 'tag:v1.4.0');
    addCluster('ranged', 'https://github.com/acme/fleet.git', 'semver:>=1.2 <2');
    addCluster('other', 'https://github.com/acme/apps.git', 'main');
    connect('prod-a', 'https://github.com/acme/fleet.git', 'main');
    connect('prod-b', 'ssh://git@github.com/acme/fleet', 'main');
    connect('canary', 'https://github.com/acme/fleet.git', 'canary');
    connect('release', 'https://github.com/acme/fleet.git', 'v1.4.0');
    connect('ranged', 'https://github.com/acme/fleet.git', '>=1.2 <2');
    connect('other', 'https://github.com/acme/apps.git', 'main');
  });
  afterEach(() => {
    t.cleanup();
  });

  it('a signed GitHub push hints the connected followers of the repo and branch, and names the others', async () => {
    const body = payload('github-push');
    assert.notEqual(body, JSON.stringify(JSON.parse(body)), 'the bytes are not JSON.stringify output');
    const answer = await github(body);
    assert.equal(answer.status, 202, answer.text);
    assert.deepEqual(answer.json, {
      provider: 'github',
      repo: 'github.com/acme/fleet',
      ref: 'refs/heads/main',
      hinted: ['prod-a', 'prod-b'],
      notConnected: ['prod-c'],
    });
    assert.deepEqual(t.channel.refreshes, [
      { cluster: 'prod-a', reason: 'push to main by github' },
      { cluster: 'prod-b', reason: 'push to main by github' },
    ]);
    const lines = t.logLines.filter((line) => line.includes('"msg":"webhook'));
    assert.equal(lines.length, 1, lines.join('\n'));
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(
      {
        provider: line.provider,
        repo: line.repo,
        ref: line.ref,
        hinted: line.hinted,
        notConnected: line.notConnected,
      },
      {
        provider: 'github',
        repo: 'github.com/acme/fleet',
        ref: 'refs/heads/main',
        hinted: 2,
        notConnected: 1,
      },
    );
    assert.ok(!t.logLines.join('\n').includes(SHARED) && !t.logLines.join('\n').includes(sign(body)));
  });

  it('needs no API token, and a bearer token changes nothing', async () => {
    const body = payload('github-push');
    const answer = await t.request('POST', PATH, {
      body,
      token: 'not-a-token-this-hub-issued',
      headers: { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${sign(body)}` },
    });
    assert.equal(answer.status, 202, answer.text);
  });

  it('a tag push hints the tag and semver followers; a deleted branch hints nobody', async () => {
    const tag = await github(payload('github-push-tag'));
    assert.equal(tag.status, 202, tag.text);
    assert.deepEqual((tag.json as { hinted: string[] }).hinted, ['ranged', 'release']);
    assert.deepEqual(
      t.channel.refreshes.map((r) => r.reason),
      ['push to tag v1.4.0 by github', 'push to tag v1.4.0 by github'],
    );
    const deleted = await github(payload('github-push-branch-deleted'));
    assert.equal(deleted.status, 202, deleted.text);
    assert.deepEqual(deleted.json, {
      provider: 'github',
      repo: 'github.com/acme/fleet',
      ref: 'refs/heads/feature/canary',
      hinted: [],
      notConnected: [],
    });
    assert.equal(t.channel.refreshes.length, 2);
  });

  it('a hint that finds the agent gone counts it as not connected', async () => {
    t.channel.live.push({ cluster: 'prod-c', repo: 'https://github.com/acme/fleet.git', ref: 'main' });
    t.channel.refresh = (cluster) => cluster !== 'prod-b';
    const answer = await github(payload('github-push'));
    assert.deepEqual((answer.json as { hinted: string[]; notConnected: string[] }).notConnected, [
      'prod-b',
      'prod-c',
    ]);
  });

  it('refuses a bad, missing or re-serialized signature with 401, never echoing the secret', async () => {
    const body = payload('github-push');
    const reserialized = JSON.stringify(JSON.parse(body));
    const cases: readonly (readonly [Record<string, string>, string])[] = [
      [{ 'X-Hub-Signature-256': `sha256=${sign(body, 'a-secret-from-elsewhere')}` }, 'does not match'],
      [{ 'X-Hub-Signature-256': `sha256=${sign(reserialized)}` }, 'does not match'],
      [{ 'X-Hub-Signature-256': '' }, 'X-Hub-Signature-256: missing'],
      [{ 'X-Hub-Signature-256': 'sha256=zz' }, 'must be sha256=<64 hex digits'],
    ];
    for (const [headers, problem] of cases) {
      const answer = await github(body, headers);
      assert.equal(answer.status, 401, answer.text);
      const error = errorOf(answer);
      assert.equal(error.code, 'unauthorized');
      assert.ok(error.message.includes(problem), error.message);
      assert.ok(!answer.text.includes(SHARED));
    }
    assert.deepEqual(t.channel.refreshes, []);
  });

  it("a repo's own secret wins over the shared one (GitLab's token)", async () => {
    addCluster('gl', 'https://gitlab.example.com/Infra/platform/fleet.git', 'main');
    connect('gl', 'git@gitlab.example.com:Infra/platform/fleet.git', 'main');
    const body = payload('gitlab-push-hook');
    const shared = await t.request('POST', PATH, {
      body,
      headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': SHARED },
    });
    assert.equal(shared.status, 401, shared.text);
    assert.equal(errorOf(shared).message, 'X-Gitlab-Token: is not the secret');
    const own = await t.request('POST', PATH, {
      body,
      headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': OWN },
    });
    assert.equal(own.status, 202, own.text);
    assert.deepEqual(own.json, {
      provider: 'gitlab',
      repo: 'gitlab.example.com/Infra/platform/fleet',
      ref: 'refs/heads/main',
      hinted: ['gl'],
      notConnected: [],
    });
    const tag = await t.request('POST', PATH, {
      body: payload('gitlab-tag-push-hook'),
      headers: { 'X-Gitlab-Event': 'Tag Push Hook', 'X-Gitlab-Token': OWN },
    });
    assert.equal(tag.status, 202, tag.text);
    assert.deepEqual((tag.json as { hinted: string[] }).hinted, []);
  });

  it('a Gitea push (which sends GitHub headers too) is read as Gitea and checked by X-Gitea-Signature', async () => {
    addCluster('gt', 'https://git.example.com/platform/fleet.git', 'main');
    connect('gt', 'https://git.example.com/platform/fleet', 'main');
    const body = payload('gitea-push');
    const headers = { 'X-Gitea-Event': 'push', 'X-GitHub-Event': 'push', 'X-Gitea-Signature': sign(body) };
    const answer = await t.request('POST', PATH, { body, headers });
    assert.equal(answer.status, 202, answer.text);
    assert.deepEqual(answer.json, {
      provider: 'gitea',
      repo: 'git.example.com/platform/fleet',
      ref: 'refs/heads/main',
      hinted: ['gt'],
      notConnected: [],
    });
  });

  it('answers a ping (or another event) 200 with nothing done', async () => {
    const answer = await t.request('POST', PATH, {
      body: payload('github-ping'),
      headers: { 'X-GitHub-Event': 'ping' },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json, { provider: 'github', event: 'ping', relayed: false });
    assert.deepEqual(t.channel.refreshes, []);
  });

  it('refuses a delivery from no provider it knows with 400', async () => {
    const answer = await t.request('POST', PATH, { body: payload('github-push') });
    assert.equal(answer.status, 400);
    assert.match(
      errorOf(answer).message,
      /^request headers: none of X-GitHub-Event, X-Gitea-Event or X-Gitlab-Event/,
    );
  });

  it('refuses a body that is not JSON, or not a push, with 400 naming it', async () => {
    const form = await github('payload=%7B%7D');
    assert.equal(form.status, 400);
    assert.match(errorOf(form).message, /^request body: must be JSON/);
    const noRepo = await github(JSON.stringify({ ref: 'refs/heads/main', after: 'abc' }));
    assert.equal(noRepo.status, 400);
    assert.match(errorOf(noRepo).message, /^body field repository: /);
  });

  it('refuses a push when no secret is configured for its repo, saying so', async () => {
    const bare = testApp();
    try {
      const body = payload('github-push');
      const answer = await bare.request('POST', PATH, {
        body,
        headers: { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${sign(body)}` },
      });
      assert.equal(answer.status, 401);
      assert.match(
        errorOf(answer).message,
        /^no webhook secret is configured for github\.com\/acme\/fleet, and no shared one/,
      );
      assert.deepEqual(bare.channel.refreshes, []);
    } finally {
      bare.cleanup();
    }
  });

  it("takes a payload above the API's 64 KiB, and refuses one above 1 MiB as invalid", async () => {
    const push = JSON.parse(payload('github-push')) as Record<string, unknown>;
    const big = JSON.stringify({ ...push, padding: 'x'.repeat(200 * 1024) });
    const taken = await github(big);
    assert.equal(taken.status, 202, taken.text.slice(0, 300));
    const huge = JSON.stringify({ ...push, padding: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
    const refused = await github(huge);
    assert.equal(refused.status, 400);
    assert.match(errorOf(refused).message, /^request body: must be at most 1048576 bytes/);
  });
});
