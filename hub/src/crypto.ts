// Tokens and their digests. The hub hands out random tokens (enrollment, API) once and keeps only their
// SHA-256 digests; an agent keeps its own long-lived credential and sends only its digest at enrollment.
import { createHash, randomBytes } from 'node:crypto';

/** Bytes of randomness in every token the hub or an agent makes: 256 bits. */
export const TOKEN_BYTES = 32;

/** What a token is for: an API token, or a cluster's one-time enrollment token. */
export type TokenKind = 'api' | 'enrollment';

/**
 * Every token starts with a prefix that names its kind: a secret scanner can find a leaked one, a
 * person can tell one from the other, and no token starts with `-` (which a command line would read as
 * an option: bare base64url does, 1 in 64).
 */
export const TOKEN_PREFIXES: Readonly<Record<TokenKind, string>> = { api: 'fya_', enrollment: 'fye_' };

/** A new random token: its kind's prefix, then 32 bytes as base64url (47 characters in all). */
export function newToken(kind: TokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The SHA-256 digest of a token, as 64 lowercase hex characters: what the store keeps. */
export function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True for a string shaped like digest()'s output. */
export function isDigest(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
