// A clusters row and the Cluster record it becomes.
import type { HealthStatus } from '@ferry/shared';
import { dateOrUndefined, orUndefined } from './context.ts';
import type { Cluster, ClusterState, SyncResult } from './types.ts';

export interface ClusterRow {
  name: string;
  labels: string;
  repo: string;
  ref: string;
  path: string;
  target_namespace: string;
  credentials_secret: string;
  state: ClusterState;
  cluster_uid: string | null;
  agent_version: string | null;
  kubernetes_version: string | null;
  created_at: number;
  enrolled_at: number | null;
  last_heard_at: number | null;
  sync_id: string | null;
  sync_revision: string | null;
  sync_result: SyncResult | null;
  sync_commit_time: number | null;
  sync_started_at: number | null;
  applied_revision: string | null;
  last_applied_at: number | null;
  health_status: HealthStatus | null;
  health_message: string | null;
  refusal: string | null;
  refused_at: number | null;
  recovery_started_at: number | null;
  recovered_at: number | null;
  recovery_expected: number | null;
  recovery_head: string | null;
}

export const CLUSTER_COLUMNS = `name, labels, repo, ref, path, target_namespace, credentials_secret, state, cluster_uid, agent_version,
  kubernetes_version, created_at, enrolled_at, cluster_heard.at AS last_heard_at, sync_id, sync_revision, sync_result,
  sync_commit_time, sync_started_at, applied_revision, last_applied_at, health_status, health_message,
  refusal, refused_at, recovery_started_at, recovered_at, recovery_expected, recovery_head`;

/** When each cluster was last heard (cluster_heard), joined to `clusters`: CLUSTER_COLUMNS read it. */
export const HEARD_JOIN = 'LEFT JOIN cluster_heard ON cluster_heard.cluster_id = clusters.id';

/** What CLUSTER_COLUMNS are selected from. */
export const CLUSTER_FROM = `clusters ${HEARD_JOIN}`;

export function toCluster(row: ClusterRow): Cluster {
  return {
    name: row.name,
    labels: JSON.parse(row.labels) as Record<string, string>,
    repo: row.repo,
    ref: row.ref,
    path: row.path,
    targetNamespace: row.target_namespace,
    credentialsSecret: row.credentials_secret,
    state: row.state,
    clusterUid: orUndefined(row.cluster_uid),
    agentVersion: orUndefined(row.agent_version),
    kubernetesVersion: orUndefined(row.kubernetes_version),
    createdAt: new Date(row.created_at),
    enrolledAt: dateOrUndefined(row.enrolled_at),
    lastHeardAt: dateOrUndefined(row.last_heard_at),
    sync:
      row.sync_id === null || row.sync_result === null || row.sync_started_at === null
        ? undefined
        : {
            syncId: row.sync_id,
            revision: orUndefined(row.sync_revision),
            result: row.sync_result,
            commitTime: dateOrUndefined(row.sync_commit_time),
            startedAt: new Date(row.sync_started_at),
            appliedRevision: orUndefined(row.applied_revision),
            lastAppliedAt: dateOrUndefined(row.last_applied_at),
          },
    health:
      row.health_status === null
        ? undefined
        : { status: row.health_status, message: row.health_message ?? '' },
    refusal:
      row.refusal === null || row.refused_at === null
        ? undefined
        : { message: row.refusal, at: new Date(row.refused_at) },
    recovery:
      row.recovery_started_at === null
        ? undefined
        : {
            startedAt: new Date(row.recovery_started_at),
            finishedAt: dateOrUndefined(row.recovered_at),
            expectedObjects: row.recovery_expected ?? 0,
            recordedRevision: orUndefined(row.recovery_head),
          },
  };
}
