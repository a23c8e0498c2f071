// The hub's Git webhook relay end to end: two clusters enrolled from the hub's install manifests follow
// one repo (each its own folder) with a GitSync interval of an hour, so only the hub's refresh hint can
// make them fetch. A commit, then a GitHub-style push signed with the hub's shared secret (over the raw
// bytes, which are not JSON.stringify's): the hub hints both agents and both apply the commit within
// seconds. A push signed with another secret is refused and hints nobody; the secret is in no log line.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Harness } from '../harness/src/index.ts';
import { configMap } from './agent-lifecycle-fixtures.ts';
import { HubFleet } from './hub-fleet-fixture.ts';

const harness = Harness.fromEnv();

const NAMES = ['hook-a', 'hook-b'] as const;
const SECRET = randomBytes(32).toString('hex');
/** Far longer than the test: an apply within it came from the hint. */
const INTERVAL = '1h';

interface WebhookAnswer {
  readonly provider: string;
  readonly repo: string;
  readonly ref: string;
  readonly hinted: readonly string[];
  readonly notConnected: readonly string[];
}

/** A GitHub push as GitHub formats it (indented, its own key order), for a harness repo URL. */
function githubPush(repoUrl: string, before: string, after: string): string {
  const url = new URL(repoUrl);
  const web = repoUrl.replace(/\.git$/, '');
  return `{
  "ref": "refs/heads/main",
  "before": "${before}",
  "after": "${after}",
  "repository": {
    "name": "fleet",
    "full_name": "e2e/fleet",
    "html_url": "${web}",
    "clone_url": "${repoUrl}",
    "ssh_url": "git@${url.hostname}:${url.pathname.slice(1)}"
  },
  "pusher": { "name": "e2e", "email": "e2e@example.com" },
  "head_commit": { "id": "${after}", "message": "settings: two \\u2014 via the webhook" },
  "deleted": false
}
`;
}

function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

describe('the hub relays a signed Git push to the agents that follow the repo', { concurrency: 1 }, () => {
  let started: HubFleet | undefined;
  const secretDir = mkdtempSync(join(tmpdir(), 'ferry-webhook-'));
  const fleet = (): HubFleet => {
    assert.ok(started !== undefined, 'the fleet is up');
    return started;
  };
  const deliver = (body: string, signature: string) =>
    fleet().hub.fetch('POST', '/api/v1/webhooks/git', {
      headers: {
        'content-type': 'application/json',
        'X-GitHub-Event': 'push',
        'X-GitHub-Delivery': randomUUID(),
        'X-Hub-Signature-256': signature,
      },
      body,
    });

  before(async () => {
    const secretFile = join(secretDir, 'webhook-secret');
    writeFileSync(secretFile, `${SECRET}\n`, { mode: 0o600 });
    started = await HubFleet.start(harness, NAMES, {
      sharedRepo: true,
      interval: INTERVAL,
      hubArgs: ['--webhook-secret-file', secretFile],
    });
  });

  after(async () => {
    await started?.destroy();
    rmSync(secretDir, { recursive: true, force: true });
  });

  it('enrolls both clusters on the one repo: each applies it at its start', async () => {
    for (const name of NAMES) {
      const view = await fleet().waitApplied(name, await fleet().head(name), `${name} enrolled and applied`);
      assert.equal(view.connected, true);
    }
  });

  it('a push signed with another secret is refused (401) and hints nobody', async () => {
    const repoUrl = harness.repos().url(fleet().repoOf('hook-a'));
    const head = await fleet().head('hook-a');
    const body = githubPush(repoUrl, head, head);
    const answer = await deliver(body, sign(body, 'not-the-hub-secret-at-all'));
    assert.equal(answer.status, 401, answer.text);
    assert.match(answer.text, /X-Hub-Signature-256: does not match/);
  });

  it('a commit and a signed push: both clusters apply the commit at once, not at their 1h interval', async () => {
    const before = await fleet().head('hook-a');
    const sha = await fleet().commitShared(
      Object.fromEntries(
        NAMES.map((name) => [`clusters/${name}/settings.yaml`, configMap(`${name}-apps`, 'settings', 'two')]),
      ),
    );
    const repoUrl = harness.repos().url(fleet().repoOf('hook-a'));
    const body = githubPush(repoUrl, before, sha);
    assert.notEqual(body, JSON.stringify(JSON.parse(body)), 'the signed bytes are not JSON.stringify output');
    const sent = Date.now();
    const answer = await deliver(body, sign(body, SECRET));
    assert.equal(answer.status, 202, answer.text);
    const relayed = JSON.parse(answer.text) as WebhookAnswer;
    assert.deepEqual(relayed, {
      provider: 'github',
      repo: `${new URL(repoUrl).host}${new URL(repoUrl).pathname.replace(/\.git$/, '')}`,
      ref: 'refs/heads/main',
      hinted: [...NAMES],
      notConnected: [],
    });
    await Promise.all(
      NAMES.map((name) => fleet().waitApplied(name, sha, `${name} applied the pushed commit`)),
    );
    const seconds = (Date.now() - sent) / 1000;
    // An interval sync would have come an hour after the agent's start.
    assert.ok(seconds < 120, `applied ${seconds} s after the webhook`);
    process.stderr.write(`webhook → both clusters applied: ${seconds.toFixed(1)} s\n`);
    const log = fleet().hub.logTail(200_000);
    assert.match(log, /"msg":"webhook relayed".*"hinted":2/);
    assert.ok(!log.includes(SECRET), 'the secret is in no hub log line');
    assert.ok(!log.includes(sign(body, SECRET).slice(7)), 'nor the signature');
  });
});
