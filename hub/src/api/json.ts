// The API's JSON: the store's records as the fleet API shows them (times as ISO 8601 strings, absent
// values as null). These shapes are the contract with the CLI and anything else that reads the API.
import type { HealthStatus, ObjectRef } from '@ferry/shared';
import type {
  ApiTokenInfo,
  Cluster,
  ClusterState,
  DriftRecord,
  EventRecord,
  LastAction,
  ReadinessRecord,
  ReadinessSummary,
  ResourceRecord,
  Role,
  SyncRecord,
  SyncResult,
} from '../store/index.ts';

export interface HealthJson {
  readonly status: HealthStatus;
  readonly message: string;
}

export interface ClusterSyncJson {
  readonly syncId: string;
  readonly result: SyncResult;
  readonly revision: string | null;
  readonly commitTime: string | null;
  readonly startedAt: string;
  readonly appliedRevision: string | null;
  readonly lastAppliedAt: string | null;
  /** Seconds from the commit to its apply, when the latest sync applied (never negative). */
  readonly lagSeconds: number | null;
}

export interface ClusterJson {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly source: {
    readonly repo: string;
    readonly ref: string;
    readonly path: string;
    /** The Secret with the Git credential, by name; null for a public repo. */
    readonly credentialsSecret: string | null;
  };
  readonly targetNamespace: string;
  readonly state: ClusterState;
  readonly connected: boolean;
  readonly stale: boolean;
  readonly lastHeardAt: string | null;
  readonly clusterUid: string | null;
  readonly agentVersion: string | null;
  readonly kubernetesVersion: string | null;
  readonly createdAt: string;
  readonly enrolledAt: string | null;
  readonly health: HealthJson | null;
  readonly sync: ClusterSyncJson | null;
  readonly refusal: { readonly message: string; readonly at: string } | null;
  /** DR readiness as the agent last reported it (the lists: GET /clusters/:name/readiness). */
  readonly readiness: {
    readonly rebuildable: number;
    readonly total: number;
    readonly scannedAt: string;
  } | null;
  readonly recovery: {
    /** `recovering` until the new cluster has applied Git's head and is healthy, then `recovered`. */
    readonly status: 'recovering' | 'recovered';
    readonly startedAt: string;
    readonly finishedAt: string | null;
    /** How long it took, once recovered. */
    readonly durationSeconds: number | null;
    /** Objects the hub knew of when recovery began (what "N of M back" counts against). */
    readonly expectedObjects: number;
    /** Of those, the ones the new cluster's agent reports again. */
    readonly objectsBack: number;
    /** The revision the lost cluster last synced: the target (or a newer one). */
    readonly recordedRevision: string | null;
  } | null;
}

export interface ResourceJson {
  readonly ref: ObjectRef;
  readonly health: HealthJson;
  readonly lastAction: LastAction | null;
  readonly drifted: boolean;
}

export interface SyncJson {
  readonly syncId: string;
  readonly revision: string | null;
  readonly commitTime: string | null;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly result: SyncResult;
  readonly health: HealthJson;
  readonly counts: Readonly<Record<string, number>>;
  readonly errors: readonly { readonly message: string; readonly step?: string; readonly ref?: ObjectRef }[];
}

export interface DriftJson {
  readonly ref: ObjectRef;
  readonly kind: DriftRecord['kind'];
  readonly fields: DriftRecord['fields'];
  readonly action: DriftRecord['action'];
  readonly at: string;
}

export interface EventJson {
  readonly at: string;
  readonly type: EventRecord['type'];
  readonly reason: string;
  readonly message: string;
}

export interface ApiTokenJson {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** A listing's page: `next` is the cursor for `after=`, absent on the last page. */
export interface PageJson<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | undefined): string | null {
  return date === undefined ? null : date.toISOString();
}

export function pageJson<R, T>(
  page: { items: readonly R[]; next?: string },
  toJson: (item: R) => T,
): PageJson<T> {
  const items = page.items.map(toJson);
  return page.next === undefined ? { items } : { items, next: page.next };
}

function lagSeconds(sync: NonNullable<Cluster['sync']>): number | null {
  if (sync.result !== 'applied' || sync.commitTime === undefined || sync.lastAppliedAt === undefined)
    return null;
  return Math.max(0, sync.lastAppliedAt.getTime() - sync.commitTime.getTime()) / 1000;
}

export function clusterJson(
  cluster: Cluster,
  live: {
    connected: boolean;
    stale: boolean;
    objectsBack?: number | undefined;
    readiness?: ReadinessSummary | undefined;
  },
): ClusterJson {
  const { sync, health, refusal, recovery } = cluster;
  return {
    name: cluster.name,
    labels: cluster.labels,
    source: {
      repo: cluster.repo,
      ref: cluster.ref,
      path: cluster.path,
      credentialsSecret: cluster.credentialsSecret === '' ? null : cluster.credentialsSecret,
    },
    targetNamespace: cluster.targetNamespace,
    state: cluster.state,
    connected: live.connected,
    stale: live.stale,
    lastHeardAt: isoOrNull(cluster.lastHeardAt),
    clusterUid: cluster.clusterUid ?? null,
    agentVersion: cluster.agentVersion ?? null,
    kubernetesVersion: cluster.kubernetesVersion ?? null,
    createdAt: iso(cluster.createdAt),
    enrolledAt: isoOrNull(cluster.enrolledAt),
    health: health === undefined ? null : { status: health.status, message: health.message },
    sync:
      sync === undefined
        ? null
        : {
            syncId: sync.syncId,
            result: sync.result,
            revision: sync.revision ?? null,
            commitTime: isoOrNull(sync.commitTime),
            startedAt: iso(sync.startedAt),
            appliedRevision: sync.appliedRevision ?? null,
            lastAppliedAt: isoOrNull(sync.lastAppliedAt),
            lagSeconds: lagSeconds(sync),
          },
    refusal: refusal === undefined ? null : { message: refusal.message, at: iso(refusal.at) },
    readiness:
      live.readiness === undefined
        ? null
        : {
            rebuildable: live.readiness.rebuildable,
            total: live.readiness.total,
            scannedAt: iso(live.readiness.scannedAt),
          },
    recovery:
      recovery === undefined
        ? null
        : {
            status: recovery.finishedAt === undefined ? 'recovering' : 'recovered',
            startedAt: iso(recovery.startedAt),
            finishedAt: isoOrNull(recovery.finishedAt),
            durationSeconds:
              recovery.finishedAt === undefined
                ? null
                : (recovery.finishedAt.getTime() - recovery.startedAt.getTime()) / 1000,
            expectedObjects: recovery.expectedObjects,
            objectsBack: live.objectsBack ?? 0,
            recordedRevision: recovery.recordedRevision ?? null,
          },
  };
}

export function resourceJson(resource: ResourceRecord): ResourceJson {
  return {
    ref: resource.ref,
    health: { status: resource.health.status, message: resource.health.message },
    lastAction: resource.lastAction ?? null,
    drifted: resource.drifted,
  };
}

export function syncJson(sync: SyncRecord): SyncJson {
  return {
    syncId: sync.syncId,
    revision: sync.revision ?? null,
    commitTime: isoOrNull(sync.commitTime),
    startedAt: iso(sync.startedAt),
    durationMs: sync.durationMs,
    result: sync.result,
    health: { status: sync.health.status, message: sync.health.message },
    counts: sync.counts,
    errors: sync.errors,
  };
}

export function driftJson(drift: DriftRecord): DriftJson {
  return { ref: drift.ref, kind: drift.kind, fields: drift.fields, action: drift.action, at: iso(drift.at) };
}

export function eventJson(event: EventRecord): EventJson {
  return { at: iso(event.at), type: event.type, reason: event.reason, message: event.message };
}

export function apiTokenJson(token: ApiTokenInfo): ApiTokenJson {
  return {
    name: token.name,
    role: token.role,
    createdAt: iso(token.createdAt),
    revokedAt: isoOrNull(token.revokedAt),
  };
}

export interface ReadinessJson {
  readonly scannedAt: string;
  /** Objects in the managed namespaces that Git describes. */
  readonly rebuildable: number;
  /** rebuildable + notInGit.count + data.count. */
  readonly total: number;
  readonly notInGit: { readonly count: number; readonly items: readonly ObjectRef[] };
  /** PersistentVolumeClaims of StatefulSets: data Git cannot rebuild. */
  readonly data: { readonly count: number; readonly items: readonly ObjectRef[] };
  /** Kinds the agent may not list: unknown, never counted as rebuildable. */
  readonly unknownKinds: readonly string[];
}

export function readinessJson(readiness: ReadinessRecord): ReadinessJson {
  return {
    scannedAt: iso(readiness.scannedAt),
    rebuildable: readiness.rebuildable,
    total: readiness.total,
    notInGit: readiness.notInGit,
    data: readiness.data,
    unknownKinds: readiness.unknownKinds,
  };
}
