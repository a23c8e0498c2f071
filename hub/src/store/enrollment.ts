// Enrollment: a one-time token per cluster, traded once for the agent's own long-lived credential. The
// agent generates the credential and sends only its digest. The exchange is crash-safe: the same token
// with the same credential digest succeeds again (the agent may have crashed before saving the answer)
// until the agent has connected with that credential; any other digest is refused from the first trade on.
import { CLUSTER_COLUMNS, HEARD_JOIN, toCluster, type ClusterRow } from './cluster-row.ts';
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import type { Cluster } from './types.ts';

/** How long a one-time enrollment token is valid unless the operator says otherwise. */
export const DEFAULT_ENROLLMENT_TTL_MS = 24 * 60 * 60 * 1000;

export function enrollmentExpiry(now: Date, ttlMs: number = DEFAULT_ENROLLMENT_TTL_MS): Date {
  return new Date(ms(now) + ttlMs);
}

export const REDEEM_REFUSALS = ['unknown', 'expired', 'used', 'superseded', 'credential-in-use'] as const;
/**
 * unknown: no such token; expired: not used before it expired; used: traded for another credential, or
 * for this one and the agent has connected with it since; superseded: a newer token was issued for the
 * cluster; credential-in-use: the digest already belongs to a credential.
 */
export type RedeemRefusal = (typeof REDEEM_REFUSALS)[number];

export type RedeemResult =
  | { readonly ok: true; readonly cluster: string; readonly repeated: boolean }
  | { readonly ok: false; readonly reason: RedeemRefusal };

/** Why a token names no cluster to install: the refusals of a redeem, less those about a credential. */
export type EnrollmentTokenRefusal = Exclude<RedeemRefusal, 'credential-in-use'>;

export type EnrollmentTokenLookup =
  | { readonly ok: true; readonly cluster: Cluster; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: EnrollmentTokenRefusal };

export interface EnrollmentMethods {
  /** Stores a new one-time token's digest (false: no such cluster); earlier tokens of the cluster stop working. */
  issueEnrollmentToken(cluster: string, tokenDigest: string, expiresAt: Date, now: Date): boolean;
  redeemEnrollment(tokenDigest: string, credentialDigest: string, now: Date): RedeemResult;
  /**
   * The cluster a token would enroll, without using the token (for serving its install manifest):
   * refused once the token is used, superseded or expired.
   */
  enrollmentTokenCluster(tokenDigest: string, now: Date): EnrollmentTokenLookup;
}

interface TokenRow {
  cluster_id: number;
  cluster: string;
  expires_at: number;
  used_by_credential_digest: string | null;
  superseded_at: number | null;
}

export function enrollmentMethods({ db }: StoreContext): EnrollmentMethods {
  const redeem = (tokenDigest: string, credentialDigest: string, now: Date): RedeemResult => {
    const token = db
      .prepare<TokenRow>(
        `SELECT cluster_id, clusters.name AS cluster, expires_at, used_by_credential_digest, superseded_at
         FROM enrollment_tokens JOIN clusters ON clusters.id = cluster_id WHERE digest = ?`,
      )
      .get(tokenDigest);
    if (token === undefined) return { ok: false, reason: 'unknown' };
    if (token.superseded_at !== null) return { ok: false, reason: 'superseded' };
    if (token.used_by_credential_digest !== null) {
      if (token.used_by_credential_digest !== credentialDigest) return { ok: false, reason: 'used' };
      const credential = db
        .prepare<{ connected_at: number | null; revoked_at: number | null }>(
          'SELECT connected_at, revoked_at FROM credentials WHERE digest = ?',
        )
        .get(credentialDigest);
      const retryable =
        credential !== undefined && credential.connected_at === null && credential.revoked_at === null;
      return retryable ? { ok: true, cluster: token.cluster, repeated: true } : { ok: false, reason: 'used' };
    }
    if (ms(now) >= token.expires_at) return { ok: false, reason: 'expired' };
    const taken = db.prepare('SELECT 1 FROM credentials WHERE digest = ?').get(credentialDigest);
    if (taken !== undefined) return { ok: false, reason: 'credential-in-use' };
    // One active credential per cluster: a new enrollment replaces whatever the cluster had.
    db.prepare(
      `UPDATE credentials SET revoked_at = ?, revoked_reason = 'replaced by a new enrollment'
       WHERE cluster_id = ? AND revoked_at IS NULL`,
    ).run(ms(now), token.cluster_id);
    db.prepare('INSERT INTO credentials (digest, cluster_id, created_at) VALUES (?, ?, ?)').run(
      credentialDigest,
      token.cluster_id,
      ms(now),
    );
    db.prepare(
      'UPDATE enrollment_tokens SET used_by_credential_digest = ?, used_at = ? WHERE digest = ?',
    ).run(credentialDigest, ms(now), tokenDigest);
    return { ok: true, cluster: token.cluster, repeated: false };
  };

  return {
    issueEnrollmentToken: (cluster, tokenDigest, expiresAt, now) =>
      db.transaction(() => {
        const clusterId = clusterIdOf(db, cluster);
        if (clusterId === undefined) return false;
        supersedeTokens(db, clusterId, now);
        db.prepare(
          'INSERT INTO enrollment_tokens (digest, cluster_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
        ).run(tokenDigest, clusterId, ms(now), ms(expiresAt));
        return true;
      }),
    redeemEnrollment: (tokenDigest, credentialDigest, now) =>
      db.transaction(() => redeem(tokenDigest, credentialDigest, now)),
    enrollmentTokenCluster: (tokenDigest, now) => {
      // One statement, so the token and its cluster are read as of one moment.
      const token = db
        .prepare<Omit<TokenRow, 'cluster'> & ClusterRow>(
          `SELECT token.cluster_id, token.expires_at, token.used_by_credential_digest, token.superseded_at,
             ${CLUSTER_COLUMNS}
           FROM (SELECT cluster_id, expires_at, used_by_credential_digest, superseded_at
                 FROM enrollment_tokens WHERE digest = ?) AS token
           JOIN clusters ON clusters.id = token.cluster_id
           ${HEARD_JOIN}`,
        )
        .get(tokenDigest);
      if (token === undefined) return { ok: false, reason: 'unknown' };
      if (token.superseded_at !== null) return { ok: false, reason: 'superseded' };
      if (token.used_by_credential_digest !== null) return { ok: false, reason: 'used' };
      if (ms(now) >= token.expires_at) return { ok: false, reason: 'expired' };
      return { ok: true, cluster: toCluster(token), expiresAt: new Date(token.expires_at) };
    },
  };
}

/** Every earlier token of the cluster stops working (a new token is issued, or recovery begins). */
export function supersedeTokens(db: StoreContext['db'], clusterId: number, now: Date): void {
  db.prepare(
    'UPDATE enrollment_tokens SET superseded_at = ? WHERE cluster_id = ? AND superseded_at IS NULL',
  ).run(ms(now), clusterId);
}
