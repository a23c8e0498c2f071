import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchFollowers, pushedRepos, type EnrolledSource, type LiveSource } from './match-followers.ts';

const FLEET = 'https://github.com/acme/fleet.git';
const push = (ref: string, deleted = false) => ({
  ref,
  deleted,
  repos: pushedRepos(['https://github.com/acme/fleet', FLEET, 'git@github.com:acme/fleet.git']),
});

const enrolled: EnrolledSource[] = [
  { cluster: 'prod-a', repo: FLEET, ref: 'main' },
  { cluster: 'prod-b', repo: 'https://GITHUB.com/acme/fleet/', ref: 'branch:main' },
  { cluster: 'prod-c', repo: FLEET, ref: 'main' },
  { cluster: 'tagged', repo: FLEET, ref: 'tag:v1.4.0' },
  { cluster: 'ranged', repo: FLEET, ref: 'semver:>=1.2 <2' },
  { cluster: 'pinned', repo: FLEET, ref: 'commit:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c' },
  { cluster: 'elsewhere', repo: 'https://github.com/acme/apps.git', ref: 'main' },
  { cluster: 'moved', repo: 'https://github.com/acme/apps.git', ref: 'main' },
  { cluster: 'moved-away', repo: FLEET, ref: 'main' },
];

const live: LiveSource[] = [
  { cluster: 'prod-a', repo: FLEET, ref: 'main' },
  { cluster: 'prod-b', repo: 'ssh://git@github.com/acme/fleet', ref: 'main' },
  { cluster: 'tagged', repo: FLEET, ref: 'v1.4.0' },
  { cluster: 'ranged', repo: FLEET, ref: '>=1.2 <2' },
  { cluster: 'pinned', repo: FLEET, ref: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c' },
  { cluster: 'elsewhere', repo: 'https://github.com/acme/apps.git', ref: 'main' },
  // Its GitSync was changed in Git to follow the fleet repo: its hello says so.
  { cluster: 'moved', repo: 'git@github.com:acme/fleet.git', ref: 'main' },
  // And this one's now follows another repo.
  { cluster: 'moved-away', repo: 'https://github.com/acme/apps.git', ref: 'main' },
];

describe('matchFollowers', () => {
  it('a push to main: connected followers by their hello, the others by their record', () => {
    assert.deepEqual(matchFollowers(push('refs/heads/main'), enrolled, live), {
      connected: ['moved', 'prod-a', 'prod-b'],
      notConnected: ['prod-c'],
    });
  });

  it('a tag push: the tag follower and the semver follower, never the pinned commit', () => {
    assert.deepEqual(matchFollowers(push('refs/tags/v1.4.0'), enrolled, live), {
      connected: ['ranged', 'tagged'],
      notConnected: [],
    });
  });

  it('a deleted branch: nobody', () => {
    assert.deepEqual(matchFollowers(push('refs/heads/main', true), enrolled, live), {
      connected: [],
      notConnected: [],
    });
  });

  it('a push to a repository nobody follows: nobody', () => {
    const other = {
      ref: 'refs/heads/main',
      deleted: false,
      repos: pushedRepos(['https://github.com/acme/infra']),
    };
    assert.deepEqual(matchFollowers(other, enrolled, live), { connected: [], notConnected: [] });
  });

  it('pushedRepos: one repository under its several URLs is one key', () => {
    assert.deepEqual(push('refs/heads/main').repos, ['github.com/acme/fleet']);
    assert.deepEqual(pushedRepos(['not a url', '']), []);
  });
});
