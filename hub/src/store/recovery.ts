// Disaster recovery in the registry: the lost cluster's credential is revoked, its tokens stop working,
// its UID is forgotten (the new cluster has another), and what the hub last knew of it is recorded as
// the target: its inventory (the resources' refs, kept apart from the resources the new agent reports)
// and the revision it last synced. The hub then issues a new enrollment token. Recovery is finished when
// the new cluster's agent has applied Git's head (the recorded revision, or a newer one) and is healthy.
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import { revokeActive } from './credentials.ts';
import { supersedeTokens } from './enrollment.ts';

export type BeginRecoveryResult =
  | {
      readonly ok: true;
      readonly revokedCredentials: number;
      /** Resources the hub knew of when the cluster was lost. */
      readonly expectedObjects: number;
      /** The revision recorded as the target (undefined: the cluster never synced). */
      readonly recordedRevision: string | undefined;
      /** False when the cluster was already recovering: the first recording (and start time) stands. */
      readonly started: boolean;
    }
  | { readonly ok: false; readonly reason: 'unknown-cluster' };

export type FinishRecoveryResult =
  | { readonly ok: true; readonly durationMs: number }
  | { readonly ok: false; readonly reason: 'unknown-cluster' | 'not-recovering' };

/** Why a recovering cluster is not recovered yet, or that it just became so. */
export type RecoveryCheck =
  | { readonly status: 'recovered'; readonly durationMs: number; readonly revision: string }
  | { readonly status: 'not-recovering' }
  | {
      readonly status: 'in-progress';
      readonly waitingFor: 'first-sync' | 'sync-success' | 'health';
    };

export interface RecoveryProgress {
  /** Recorded objects the new cluster's agent reports again. */
  readonly back: number;
  readonly expected: number;
}

export interface RecoveryMethods {
  beginRecovery(cluster: string, now: Date): BeginRecoveryResult;
  /** The cluster is back (the hub decides when): enrolled again, with how long recovery took. */
  finishRecovery(cluster: string, now: Date): FinishRecoveryResult;
  /** Finishes the recovery when the new agent has applied Git's head and is healthy; says why not otherwise. */
  checkRecovery(cluster: string, now: Date): RecoveryCheck;
  /** How many of the recorded objects are back; undefined for a cluster that never began recovery. */
  recoveryProgress(cluster: string): RecoveryProgress | undefined;
}

interface RecoveryRow {
  id: number;
  state: string;
  recovery_started_at: number | null;
  sync_started_at: number | null;
  sync_result: string | null;
  sync_revision: string | null;
  applied_revision: string | null;
  health_status: string | null;
}

export function recoveryMethods({ db }: StoreContext): RecoveryMethods {
  const finish = (id: number, startedAt: number, now: Date): number => {
    db.prepare("UPDATE clusters SET state = 'enrolled', recovered_at = ? WHERE id = ?").run(ms(now), id);
    return ms(now) - startedAt;
  };

  return {
    beginRecovery: (cluster, now) =>
      db.transaction(() => {
        const clusterId = clusterIdOf(db, cluster);
        if (clusterId === undefined) return { ok: false, reason: 'unknown-cluster' };
        const revokedCredentials = revokeActive(db, cluster, 'cluster recovery', now);
        supersedeTokens(db, clusterId, now);
        const row = db
          .prepare<{
            state: string;
            sync_revision: string | null;
            applied_revision: string | null;
            recovery_expected: number | null;
            recovery_head: string | null;
          }>(
            'SELECT state, sync_revision, applied_revision, recovery_expected, recovery_head FROM clusters WHERE id = ?',
          )
          .get(clusterId);
        if (row?.state === 'recovering') {
          // Asked again (the token expired, or the new cluster was lost too): a new token, the same target.
          db.prepare('UPDATE clusters SET cluster_uid = NULL WHERE id = ?').run(clusterId);
          return {
            ok: true,
            revokedCredentials,
            expectedObjects: row.recovery_expected ?? 0,
            recordedRevision: row.recovery_head ?? undefined,
            started: false,
          };
        }
        db.prepare('DELETE FROM recovery_inventory WHERE cluster_id = ?').run(clusterId);
        const expectedObjects = db
          .prepare(
            `INSERT INTO recovery_inventory (cluster_id, api_group, kind, namespace, name)
               SELECT cluster_id, api_group, kind, namespace, name FROM resources WHERE cluster_id = ?`,
          )
          .run(clusterId).changes;
        const recordedRevision = row?.sync_revision ?? row?.applied_revision ?? null;
        db.prepare(
          `UPDATE clusters SET state = 'recovering', cluster_uid = NULL, recovery_started_at = ?,
             recovered_at = NULL, recovery_expected = ?, recovery_head = ?, refusal = NULL, refused_at = NULL
           WHERE id = ?`,
        ).run(ms(now), expectedObjects, recordedRevision, clusterId);
        return {
          ok: true,
          revokedCredentials,
          expectedObjects,
          recordedRevision: recordedRevision ?? undefined,
          started: true,
        };
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
        return { ok: true, durationMs: finish(row.id, row.recovery_started_at, now) };
      }),

    checkRecovery: (cluster, now) =>
      db.transaction((): RecoveryCheck => {
        const row = db
          .prepare<RecoveryRow>(
            `SELECT id, state, recovery_started_at, sync_started_at, sync_result, sync_revision,
               applied_revision, health_status FROM clusters WHERE name = ?`,
          )
          .get(cluster);
        if (row === undefined || row.state !== 'recovering' || row.recovery_started_at === null)
          return { status: 'not-recovering' };
        // Only the new cluster's agent can report after recovery began (the old credential is revoked),
        // and it fetched Git after that moment: what it applied is the recorded head or a newer one.
        if (row.sync_started_at === null || row.sync_started_at < row.recovery_started_at)
          return { status: 'in-progress', waitingFor: 'first-sync' };
        if (
          row.sync_result !== 'applied' ||
          row.applied_revision === null ||
          row.applied_revision !== row.sync_revision
        )
          return { status: 'in-progress', waitingFor: 'sync-success' };
        if (row.health_status !== 'Current') return { status: 'in-progress', waitingFor: 'health' };
        return {
          status: 'recovered',
          durationMs: finish(row.id, row.recovery_started_at, now),
          revision: row.applied_revision,
        };
      }),

    recoveryProgress: (cluster) => {
      const row = db
        .prepare<{ expected: number | null; back: number }>(
          `SELECT c.recovery_expected AS expected,
             (SELECT count(*) FROM recovery_inventory i JOIN resources r
                ON r.cluster_id = i.cluster_id AND r.api_group = i.api_group AND r.kind = i.kind
                 AND r.namespace = i.namespace AND r.name = i.name
              WHERE i.cluster_id = c.id) AS back
           FROM clusters c WHERE c.name = ? AND c.recovery_started_at IS NOT NULL`,
        )
        .get(cluster);
      return row === undefined ? undefined : { back: row.back, expected: row.expected ?? 0 };
    },
  };
}
