import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveFollowedRef, parseFollowedRef, type FollowedRef } from './followed-ref.ts';
import { pushConcerns } from './push-ref.ts';

const SHA = '3f9c2e1d8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';

describe('parseFollowedRef: the GitSync ref forms', () => {
  const cases: readonly (readonly [string, FollowedRef])[] = [
    ['main', { kind: 'branch', name: 'main' }],
    ['branch:main', { kind: 'branch', name: 'main' }],
    ['branch:refs/heads/main', { kind: 'branch', name: 'main' }],
    ['refs/heads/release/1.x', { kind: 'branch', name: 'release/1.x' }],
    ['tag:v1.2.0', { kind: 'tag', name: 'v1.2.0' }],
    ['refs/tags/v1.2.0', { kind: 'tag', name: 'v1.2.0' }],
    ['semver:>=1.2.0 <2', { kind: 'semver', range: '>=1.2.0 <2' }],
    [`commit:${SHA}`, { kind: 'commit' }],
    [SHA, { kind: 'commit' }],
    ['^1.2', { kind: 'semver', range: '^1.2' }],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${text}`, () => {
      assert.deepEqual(parseFollowedRef(text), expected);
    });
  }
});

describe('liveFollowedRef: the hello says the ref without its kind', () => {
  it('takes the kind from the enrollment record when the hello says the same ref', () => {
    assert.deepEqual(liveFollowedRef('v1.2.0', 'tag:v1.2.0'), { kind: 'tag', name: 'v1.2.0' });
    assert.deepEqual(liveFollowedRef('main', 'main'), { kind: 'branch', name: 'main' });
    assert.deepEqual(liveFollowedRef('1.x', 'semver:1.x'), { kind: 'semver', range: '1.x' });
    assert.deepEqual(liveFollowedRef(SHA, `commit:${SHA.toUpperCase()}`), { kind: 'commit' });
  });

  it('keeps a bare name the record does not explain as a name (the GitSync changed in Git)', () => {
    assert.deepEqual(liveFollowedRef('develop', 'main'), { kind: 'name', name: 'develop' });
    assert.deepEqual(liveFollowedRef('v2', undefined), { kind: 'name', name: 'v2' });
  });

  it('reads what only a range or a commit can be, whatever the record says', () => {
    assert.deepEqual(liveFollowedRef('>=2 <3', 'main'), { kind: 'semver', range: '>=2 <3' });
    assert.deepEqual(liveFollowedRef(SHA, 'main'), { kind: 'commit' });
    assert.deepEqual(liveFollowedRef('branch:main', 'tag:main'), { kind: 'branch', name: 'main' });
  });
});

describe('pushConcerns', () => {
  const branch = (name: string) => ({ ref: `refs/heads/${name}`, deleted: false });
  const tag = (name: string) => ({ ref: `refs/tags/${name}`, deleted: false });
  const cases: readonly (readonly [string, { ref: string; deleted: boolean }, string, boolean])[] = [
    ['a branch push hints a bare branch of that name', branch('main'), 'main', true],
    ['a branch push hints branch:X', branch('main'), 'branch:main', true],
    ['a branch push hints refs/heads/X', branch('main'), 'refs/heads/main', true],
    ['a branch push does not hint another branch', branch('dev'), 'main', false],
    ['a branch push with slashes hints that branch', branch('release/1.x'), 'branch:release/1.x', true],
    ['a branch push does not hint a tag of the same name', branch('v1'), 'tag:v1', false],
    ['a branch push does not hint a semver range', branch('main'), 'semver:>=1', false],
    ['a tag push hints tag:T', tag('v1.2.0'), 'tag:v1.2.0', true],
    ['a tag push does not hint another tag', tag('v1.2.1'), 'tag:v1.2.0', false],
    ['a tag push hints any semver range (the agent decides)', tag('v3.0.0'), 'semver:>=1.2 <2', true],
    ['a tag push does not hint a branch', tag('main'), 'main', false],
    ['a push never hints a commit', branch('main'), `commit:${SHA}`, false],
    ['a push never hints a bare SHA', branch('main'), SHA, false],
    ['a deleted branch hints nobody', { ref: 'refs/heads/main', deleted: true }, 'main', false],
    ['a deleted tag hints nobody', { ref: 'refs/tags/v1', deleted: true }, 'semver:*', false],
    ['another kind of ref hints nobody', { ref: 'refs/notes/commits', deleted: false }, 'main', false],
  ];
  for (const [name, push, followed, expected] of cases) {
    it(name, () => {
      assert.equal(pushConcerns(push, parseFollowedRef(followed)), expected);
    });
  }

  it('a bare name from a hello is hinted as a branch, a tag, or a range when it reads like a version', () => {
    const name = (value: string): FollowedRef => ({ kind: 'name', name: value });
    assert.equal(pushConcerns(branch('develop'), name('develop')), true);
    assert.equal(pushConcerns(tag('develop'), name('develop')), true);
    assert.equal(pushConcerns(tag('v1.4.0'), name('1.x')), true);
    assert.equal(pushConcerns(tag('v1.4.0'), name('develop')), false);
    assert.equal(pushConcerns(branch('main'), name('develop')), false);
  });
});
