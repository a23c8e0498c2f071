import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceError } from './errors.ts';
import { formatRefSpec, formatRevision, parseRefSpec } from './ref-spec.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('parseRefSpec', () => {
  const cases: [string, ReturnType<typeof parseRefSpec>][] = [
    ['main', { kind: 'branch', name: 'main' }],
    ['refs/heads/release/1.x', { kind: 'branch', name: 'release/1.x' }],
    ['branch:feature/a', { kind: 'branch', name: 'feature/a' }],
    ['tag:v1.2.0', { kind: 'tag', name: 'v1.2.0' }],
    ['refs/tags/v1.2.0', { kind: 'tag', name: 'v1.2.0' }],
    ['semver:>=1.2.0 <2', { kind: 'semver', range: '>=1.2.0 <2' }],
    ['semver:1.x', { kind: 'semver', range: '1.x' }],
    [`commit:${SHA.toUpperCase()}`, { kind: 'commit', sha: SHA }],
    [SHA, { kind: 'commit', sha: SHA }],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${text}`, () => {
      assert.deepEqual(parseRefSpec(text), expected);
    });
  }

  for (const bad of [
    '',
    'a..b',
    'has space',
    'semver:not a range',
    'commit:abc',
    'tag:',
    'x.lock',
    'bad\u0001ref',
  ]) {
    it(`refuses ${JSON.stringify(bad)} as invalid-ref`, () => {
      assert.throws(
        () => parseRefSpec(bad),
        (error: unknown) => error instanceof SourceError && error.code === 'invalid-ref',
      );
    });
  }

  it('prints what it parses', () => {
    for (const [text] of cases)
      assert.deepEqual(parseRefSpec(formatRefSpec(parseRefSpec(text))), parseRefSpec(text));
  });
});

describe('formatRevision', () => {
  it('writes <ref>@sha1:<sha> for branches and tags, sha1:<sha> for a pinned commit', () => {
    assert.equal(formatRevision('main', SHA, { kind: 'branch', name: 'main' }), `main@sha1:${SHA}`);
    assert.equal(formatRevision('v1.3.0', SHA, { kind: 'semver', range: '1.x' }), `v1.3.0@sha1:${SHA}`);
    assert.equal(formatRevision(SHA, SHA, { kind: 'commit', sha: SHA }), `sha1:${SHA}`);
  });
});
