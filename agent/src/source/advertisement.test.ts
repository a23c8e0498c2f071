import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureAdvertisedHead } from './advertisement.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function pkt(text: string): string {
  return `${(Buffer.byteLength(text) + 4).toString(16).padStart(4, '0')}${text}`;
}
const advertise = (...refs: string[]): Uint8Array =>
  Buffer.from(`${pkt('# service=git-upload-pack\n')}0000${refs.map(pkt).join('')}0000`);

describe('ensureAdvertisedHead', () => {
  it('adds HEAD after the first ref when the server advertises none (dangling HEAD)', () => {
    const fixed = Buffer.from(
      ensureAdvertisedHead(
        advertise(`${A} refs/heads/main\0multi_ack side-band-64k\n`, `${B} refs/tags/v1\n`),
      ),
    ).toString();
    assert.equal(
      fixed,
      Buffer.from(
        advertise(`${A} refs/heads/main\0multi_ack side-band-64k\n`, `${A} HEAD\n`, `${B} refs/tags/v1\n`),
      ).toString(),
    );
  });
  it('leaves an advertisement with HEAD alone', () => {
    const original = advertise(`${A} HEAD\0caps\n`, `${A} refs/heads/main\n`);
    assert.equal(ensureAdvertisedHead(original), original);
  });
  it('leaves an empty repository, protocol v2 and garbage alone', () => {
    const empty = advertise();
    assert.equal(ensureAdvertisedHead(empty), empty);
    const v2 = Buffer.from(`${pkt('version 2\n')}${pkt('ls-refs\n')}0000`);
    assert.equal(ensureAdvertisedHead(v2), v2);
    const garbage = Buffer.from('zzzz not pkt-lines');
    assert.equal(ensureAdvertisedHead(garbage), garbage);
  });
});
