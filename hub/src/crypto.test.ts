import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digest, isDigest, newToken, TOKEN_BYTES } from './crypto.ts';

describe('tokens and digests', () => {
  it('makes a token of 32 random bytes in base64url, different each time', () => {
    const a = newToken();
    const b = newToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a, 'base64url').length, TOKEN_BYTES);
    assert.notEqual(a, b);
  });

  it('digests a token with SHA-256 into 64 hex characters', () => {
    // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
    assert.equal(digest('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.ok(isDigest(digest(newToken())));
  });

  it('tells a digest from a token', () => {
    assert.equal(isDigest(newToken()), false);
    assert.equal(isDigest('A'.repeat(64)), false);
  });
});
