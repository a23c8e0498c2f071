// Tokens and their digests. The hub hands out random tokens (enrollment, API) once and keeps only their
// SHA-256 digests; an agent keeps its own long-lived credential and sends only its digest at enrollment.
import { createHash, randomBytes } from 'node:crypto';

/** Bytes of randomness in every token the hub or an agent makes: 256 bits. */
export const TOKEN_BYTES = 32;

/** A new random token: 32 bytes, base64url (43 characters, no padding). */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The SHA-256 digest of a token, as 64 lowercase hex characters: what the store keeps. */
export function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True for a string shaped like digest()'s output. */
export function isDigest(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
