import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeRepoUrl } from './normalize-repo.ts';

describe('normalizeRepoUrl', () => {
  const same: readonly (readonly [string, string])[] = [
    ['https://github.com/org/fleet', 'github.com/org/fleet'],
    ['http://github.com/org/fleet', 'http and https alike'],
    ['https://github.com/org/fleet.git', 'the .git suffix'],
    ['https://github.com/org/fleet/', 'a trailing slash'],
    ['https://github.com/org/fleet.git/', 'both'],
    ['https://GitHub.COM/org/fleet', 'the case of the host'],
    ['https://github.com:443/org/fleet', 'the default https port'],
    ['http://github.com:80/org/fleet', 'the default http port'],
    ['https://ferry:s3cret@github.com/org/fleet.git', 'user info'],
    ['git@github.com:org/fleet.git', 'scp-like ssh'],
    ['ssh://git@github.com/org/fleet.git', 'ssh URL'],
    ['ssh://git@github.com:22/org/fleet', 'ssh with its default port'],
    ['git+ssh://git@github.com/org/fleet', 'git+ssh'],
    ['github.com/org/fleet', 'no scheme'],
    ['  https://github.com/org/fleet  ', 'surrounding spaces'],
  ];
  for (const [url, what] of same) {
    it(`ignores ${what}: ${url}`, () => {
      assert.equal(normalizeRepoUrl(url), 'github.com/org/fleet');
    });
  }

  it('keeps the case of the path', () => {
    assert.equal(normalizeRepoUrl('https://github.com/Org/Fleet'), 'github.com/Org/Fleet');
    assert.notEqual(
      normalizeRepoUrl('https://github.com/Org/Fleet'),
      normalizeRepoUrl('https://github.com/org/fleet'),
    );
  });

  it('keeps a port that is not the default, and nested groups', () => {
    assert.equal(normalizeRepoUrl('https://git.example.com:8443/a/b/c.git'), 'git.example.com:8443/a/b/c');
    assert.equal(normalizeRepoUrl('ssh://git@git.example.com:2222/a/b.git'), 'git.example.com:2222/a/b');
    assert.equal(normalizeRepoUrl('http://127.0.0.1:3000/fleet-1.git'), '127.0.0.1:3000/fleet-1');
  });

  it('names nothing for a URL without a host or a path, or of another scheme', () => {
    for (const text of [
      '',
      '   ',
      'https://github.com',
      'https://github.com/',
      'file:///srv/git/fleet',
      'not a url at all',
    ]) {
      assert.equal(normalizeRepoUrl(text), undefined, JSON.stringify(text));
    }
  });
});
