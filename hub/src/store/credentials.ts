// Agent credentials, kept as digests and bound to one cluster. A revoked credential stays, flagged with
// when and why, so that an agent refused with it can still be named.
import { dateOrUndefined, ms, type StoreContext } from './context.ts';

export type CredentialLookup =
  | { readonly status: 'active'; readonly cluster: string; readonly connectedAt: Date | undefined }
  | {
      readonly status: 'revoked';
      readonly cluster: string;
      readonly revokedAt: Date;
      readonly reason: string;
    }
  | { readonly status: 'unknown' };

export interface CredentialMethods {
  /** Which cluster a credential digest belongs to, and whether it may still connect. */
  credentialCluster(digest: string): CredentialLookup;
  /** Revokes the cluster's credentials still active; returns how many. */
  revokeCredentials(cluster: string, reason: string, now: Date): number;
}

export function credentialMethods({ db }: StoreContext): CredentialMethods {
  return {
    credentialCluster: (digest) => {
      const row = db
        .prepare<{
          cluster: string;
          connected_at: number | null;
          revoked_at: number | null;
          revoked_reason: string | null;
        }>(
          `SELECT clusters.name AS cluster, connected_at, revoked_at, revoked_reason
           FROM credentials JOIN clusters ON clusters.id = credentials.cluster_id WHERE digest = ?`,
        )
        .get(digest);
      if (row === undefined) return { status: 'unknown' };
      if (row.revoked_at !== null) {
        return {
          status: 'revoked',
          cluster: row.cluster,
          revokedAt: new Date(row.revoked_at),
          reason: row.revoked_reason ?? '',
        };
      }
      return { status: 'active', cluster: row.cluster, connectedAt: dateOrUndefined(row.connected_at) };
    },
    revokeCredentials: (cluster, reason, now) => revokeActive(db, cluster, reason, now),
  };
}

/** Revokes a cluster's active credentials (also used inside enrollment and recovery transactions). */
export function revokeActive(db: StoreContext['db'], cluster: string, reason: string, now: Date): number {
  return db
    .prepare(
      `UPDATE credentials SET revoked_at = ?, revoked_reason = ?
       WHERE revoked_at IS NULL AND cluster_id = (SELECT id FROM clusters WHERE name = ?)`,
    )
    .run(ms(now), reason, cluster).changes;
}
