// Whether a delivery comes from someone holding the secret: an HMAC-SHA256 of the raw body bytes as
// received (never of re-serialized JSON), or GitLab's token, compared in constant time. A problem says
// which header is wrong and how, never what it held or what was expected.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Proof } from './providers.ts';

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly problem: string };

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** HMAC-SHA256 of `body` with `secret`, against a `<prefix><64 hex>` header. */
export function verifyHmac(
  header: string | undefined,
  body: Uint8Array,
  secret: string,
  proof: { readonly header: string; readonly prefix: string },
): Verdict {
  if (header === undefined || header.trim() === '') return { ok: false, problem: `${proof.header}: missing` };
  const value = header.trim();
  const hex = value.startsWith(proof.prefix) ? value.slice(proof.prefix.length) : undefined;
  if (hex === undefined || !HEX_SHA256.test(hex)) {
    return { ok: false, problem: `${proof.header}: must be ${proof.prefix}<64 hex digits of HMAC-SHA256>` };
  }
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  // Both are 32 bytes here: timingSafeEqual needs equal lengths.
  return timingSafeEqual(expected, given)
    ? { ok: true }
    : { ok: false, problem: `${proof.header}: does not match the body signed with the secret` };
}

/** A shared token sent as it is (GitLab does not sign): compared as digests, so lengths leak nothing. */
export function verifyToken(
  header: string | undefined,
  secret: string,
  proof: { readonly header: string },
): Verdict {
  if (header === undefined || header === '') return { ok: false, problem: `${proof.header}: missing` };
  const given = createHash('sha256').update(header, 'utf8').digest();
  const expected = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(expected, given)
    ? { ok: true }
    : { ok: false, problem: `${proof.header}: is not the secret` };
}

export function verifyDelivery(
  proof: Proof,
  header: (name: string) => string | undefined,
  body: Uint8Array,
  secret: string,
): Verdict {
  return proof.kind === 'hmac'
    ? verifyHmac(header(proof.header), body, secret, proof)
    : verifyToken(header(proof.header), secret, proof);
}
