import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digest, isDigest, newToken, TOKEN_BYTES, TOKEN_PREFIXES } from './crypto.ts';

describe('tokens and digests', () => {
  it('makes a token of 32 random bytes in base64url after its kind’s prefix, different each time', () => {
    const a = newToken('api');
    const b = newToken('api');
    assert.match(a, /^fya_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a.slice(TOKEN_PREFIXES.api.length), 'base64url').length, TOKEN_BYTES);
    assert.notEqual(a, b);
    assert.match(newToken('enrollment'), /^fye_[A-Za-z0-9_-]{43}$/);
  });

  it('never makes a token that a command line would read as an option', () => {
    // Bare base64url starts with "-" once in 64 tokens: `ferry login --token -x…` then failed.
    for (let i = 0; i < 2_000; i++) assert.ok(!newToken(i % 2 === 0 ? 'api' : 'enrollment').startsWith('-'));
  });

  it('digests a token with SHA-256 into 64 hex characters', () => {
    // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
    assert.equal(digest('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.ok(isDigest(digest(newToken('api'))));
  });

  it('tells a digest from a token', () => {
    assert.equal(isDigest(newToken('api')), false);
    assert.equal(isDigest('A'.repeat(64)), false);
  });
});
