// Who is on the other end of an upgrade: the cluster its credential (Authorization: Bearer) is bound
// to. The hub keeps only digests, so the credential is hashed and looked up, and never written anywhere:
// not in a close reason, not in a log line, not in the refusal kept on the cluster.
import type { IncomingHttpHeaders } from 'node:http';
import { CLOSE_CODES, type CloseCode } from '@ferry/shared/protocol';
import { digest } from '../crypto.ts';
import type { CredentialLookup, Store } from '../store/index.ts';

export type Authentication =
  | { readonly ok: true; readonly cluster: string; readonly credentialDigest: string }
  | {
      readonly ok: false;
      readonly code: CloseCode;
      readonly reason: string;
      /** The cluster a revoked credential belonged to: the refusal is kept on it for the fleet view. */
      readonly cluster?: string;
      readonly refusal?: string;
      /** The store failed: the agent should retry. */
      readonly error?: unknown;
    };

/** The credential of an `Authorization: Bearer <credential>` header, or undefined. */
export function bearerCredential(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

export function authenticate(
  store: Pick<Store, 'credentialCluster'>,
  headers: IncomingHttpHeaders,
): Authentication {
  const credential = bearerCredential(headers);
  if (credential === undefined) {
    return {
      ok: false,
      code: CLOSE_CODES.unauthorized,
      reason: 'authorization: no credential (expected Authorization: Bearer <credential>)',
    };
  }
  const credentialDigest = digest(credential);
  let found: CredentialLookup;
  try {
    found = store.credentialCluster(credentialDigest);
  } catch (error) {
    return {
      ok: false,
      code: CLOSE_CODES.shutdown,
      reason: 'the hub could not check the credential: retry',
      error,
    };
  }
  switch (found.status) {
    case 'active':
      return { ok: true, cluster: found.cluster, credentialDigest };
    case 'unknown':
      return { ok: false, code: CLOSE_CODES.unauthorized, reason: 'authorization: unknown credential' };
    case 'revoked': {
      const why = found.reason === '' ? '' : `: ${found.reason}`;
      return {
        ok: false,
        code: CLOSE_CODES.unauthorized,
        reason: 'authorization: credential revoked',
        cluster: found.cluster,
        refusal: `refused a connection with a revoked credential (revoked ${found.revokedAt.toISOString()}${why})`,
      };
    }
  }
}
