import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLOSE_CODE_MEANINGS,
  CLOSE_CODES,
  closeCodeName,
  MAX_CLOSE_REASON_BYTES,
  truncateBytes,
} from './close-codes.ts';

describe('close codes', () => {
  const codes = Object.values(CLOSE_CODES);
  it('stays within the 4000–4999 range left to applications', () => {
    for (const code of codes) assert.ok(code >= 4000 && code <= 4999, String(code));
  });
  it('gives every name its own code and every code a meaning', () => {
    assert.equal(new Set(codes).size, codes.length);
    assert.deepEqual(Object.keys(CLOSE_CODE_MEANINGS).map(Number).sort(), [...codes].sort());
  });
  it('names a code received from the peer, and no code that is not ours', () => {
    assert.equal(closeCodeName(4406), 'unsupportedVersion');
    assert.equal(closeCodeName(4413), 'tooLarge');
    assert.equal(closeCodeName(1000), undefined);
  });
});

describe('truncateBytes', () => {
  it('leaves a short reason alone', () => {
    assert.equal(truncateBytes('body.url: unknown field'), 'body.url: unknown field');
  });
  it('cuts a long reason to fit a close frame, never inside a character', () => {
    const cut = truncateBytes('é'.repeat(200));
    assert.ok(Buffer.byteLength(cut) <= MAX_CLOSE_REASON_BYTES);
    assert.ok(cut.endsWith('…'));
    assert.ok(!cut.includes('\uFFFD'));
    assert.equal(Buffer.from(cut).toString('utf8'), cut);
  });
  it('keeps an emoji whole or leaves it out', () => {
    const cut = truncateBytes('😀'.repeat(40), 10);
    assert.equal(cut, '😀…');
  });
});
