import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parsePush, type PushEvent } from './parse-push.ts';
import type { Provider } from './providers.ts';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8'));
}

function pushOf(provider: Provider, name: string): PushEvent {
  const parsed = parsePush(provider, fixture(name));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  return parsed.push;
}

describe('parsePush', () => {
  it('github push: the branch, the new commit and the web, HTTPS and SSH URLs', () => {
    assert.deepEqual(pushOf('github', 'github-push'), {
      ref: 'refs/heads/main',
      after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      deleted: false,
      repoUrls: [
        'https://github.com/acme/fleet',
        'https://github.com/acme/fleet.git',
        'git@github.com:acme/fleet.git',
      ],
    });
  });

  it('github push of a tag', () => {
    const push = pushOf('github', 'github-push-tag');
    assert.equal(push.ref, 'refs/tags/v1.4.0');
    assert.equal(push.deleted, false);
  });

  it('github push that deleted a branch', () => {
    const push = pushOf('github', 'github-push-branch-deleted');
    assert.equal(push.ref, 'refs/heads/feature/canary');
    assert.equal(push.deleted, true);
  });

  it('gitea push: GitHub shape, an SSH URL on its own port', () => {
    assert.deepEqual(pushOf('gitea', 'gitea-push'), {
      ref: 'refs/heads/main',
      after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
      deleted: false,
      repoUrls: [
        'https://git.example.com/platform/fleet',
        'https://git.example.com/platform/fleet.git',
        'ssh://git@git.example.com:2222/platform/fleet.git',
      ],
    });
  });

  it('gitlab Push Hook: the project URLs (and the repository ones, the same)', () => {
    assert.deepEqual(pushOf('gitlab', 'gitlab-push-hook'), {
      ref: 'refs/heads/main',
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      deleted: false,
      repoUrls: [
        'https://gitlab.example.com/Infra/platform/fleet',
        'https://gitlab.example.com/Infra/platform/fleet.git',
        'git@gitlab.example.com:Infra/platform/fleet.git',
      ],
    });
  });

  it('gitlab Tag Push Hook', () => {
    const push = pushOf('gitlab', 'gitlab-tag-push-hook');
    assert.equal(push.ref, 'refs/tags/v1.4.0');
    assert.equal(push.deleted, false);
  });

  it('gitlab push that deleted a branch (after is all zeros)', () => {
    assert.equal(pushOf('gitlab', 'gitlab-push-hook-branch-deleted').deleted, true);
  });

  it('names the field that is missing or wrong', () => {
    const cases: readonly (readonly [Provider, unknown, RegExp])[] = [
      ['github', fixture('github-ping'), /^body field ref: /],
      ['github', { ref: 'refs/heads/main', after: 'abc' }, /^body field repository: /],
      ['github', { ref: 'refs/heads/main', after: 'abc', repository: {} }, /repository: must hold html_url/],
      ['gitea', { ref: 7, after: 'abc', repository: { html_url: 'https://x/y' } }, /^body field ref: /],
      ['gitlab', { ref: 'refs/heads/main', after: 'abc' }, /^body field project: /],
      [
        'gitlab',
        { ref: 'refs/heads/main', after: 'abc', project: { web_url: 5 } },
        /^body field project\.web_url: /,
      ],
      ['github', [], /^request body: /],
    ];
    for (const [provider, body, problem] of cases) {
      const parsed = parsePush(provider, body);
      assert.equal(parsed.ok, false, JSON.stringify(body));
      assert.match(parsed.problem, problem);
    }
  });
});
