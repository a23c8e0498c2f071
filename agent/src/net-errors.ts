// Which low-level failure an error (or one of its causes) comes from: the connection, or TLS trust.
// One list for every client the agent has (Git and the Kubernetes API).

const CONNECTION = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const TLS_UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function findCode(error: unknown, codes: ReadonlySet<string>): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** The errno code when the server could not be reached or the connection broke. */
export const connectionFailure = (error: unknown): string | undefined => findCode(error, CONNECTION);

/** The code when the server's certificate is not trusted. */
export const tlsUntrusted = (error: unknown): string | undefined => findCode(error, TLS_UNTRUSTED);
