// Disaster recovery in the registry: the lost cluster's credential is revoked, its tokens stop working,
// its UID is forgotten (the new cluster has another), and what the hub last knew of its resources stays
// as the target that progress is counted against. The hub then issues a new enrollment token.
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import { revokeActive } from './credentials.ts';
import { supersedeTokens } from './enrollment.ts';

export type BeginRecoveryResult =
  | {
      readonly ok: true;
      readonly revokedCredentials: number;
      /** Resources the hub knew of when the cluster was lost. */
      readonly expectedObjects: number;
    }
  | { readonly ok: false; readonly reason: 'unknown-cluster' };

export type FinishRecoveryResult =
  | { readonly ok: true; readonly durationMs: number }
  | { readonly ok: false; readonly reason: 'unknown-cluster' | 'not-recovering' };

export interface RecoveryMethods {
  beginRecovery(cluster: string, now: Date): BeginRecoveryResult;
  /** The cluster is back (the hub decides when): enrolled again, with how long recovery took. */
  finishRecovery(cluster: string, now: Date): FinishRecoveryResult;
}

export function recoveryMethods({ db }: StoreContext): RecoveryMethods {
  return {
    beginRecovery: (cluster, now) =>
      db.transaction(() => {
        const clusterId = clusterIdOf(db, cluster);
        if (clusterId === undefined) return { ok: false, reason: 'unknown-cluster' };
        const revokedCredentials = revokeActive(db, cluster, 'cluster recovery', now);
        supersedeTokens(db, clusterId, now);
        const expected = db
          .prepare<{ n: number }>('SELECT count(*) AS n FROM resources WHERE cluster_id = ?')
          .get(clusterId);
        const expectedObjects = expected?.n ?? 0;
        db.prepare(
          `UPDATE clusters SET state = 'recovering', cluster_uid = NULL, recovery_started_at = ?,
             recovered_at = NULL, recovery_expected = ?, refusal = NULL, refused_at = NULL
           WHERE id = ?`,
        ).run(ms(now), expectedObjects, clusterId);
        return { ok: true, revokedCredentials, expectedObjects };
      }),
    finishRecovery: (cluster, now) =>
      db.transaction(() => {
        const row = db
          .prepare<{ id: number; state: string; recovery_started_at: number | null }>(
            'SELECT id, state, recovery_started_at FROM clusters WHERE name = ?',
          )
          .get(cluster);
        if (row === undefined) return { ok: false, reason: 'unknown-cluster' };
        if (row.state !== 'recovering' || row.recovery_started_at === null) {
          return { ok: false, reason: 'not-recovering' };
        }
        db.prepare("UPDATE clusters SET state = 'enrolled', recovered_at = ? WHERE id = ?").run(
          ms(now),
          row.id,
        );
        return { ok: true, durationMs: ms(now) - row.recovery_started_at };
      }),
  };
}
