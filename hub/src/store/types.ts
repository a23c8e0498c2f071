// The store's own records: what the hub keeps about clusters, their syncs, resources, drift and events.
// The hub maps protocol messages onto these; the store never sees a manifest, a Secret value or a token.
import type { HealthStatus, ObjectRef } from '@ferry/shared';

export const CLUSTER_STATES = ['pending', 'enrolled', 'recovering'] as const;
/** pending: created, no agent yet; enrolled: an agent has said hello; recovering: rebuilding after loss. */
export type ClusterState = (typeof CLUSTER_STATES)[number];

export const SYNC_RESULTS = ['applied', 'failed', 'prune-blocked'] as const;
export type SyncResult = (typeof SYNC_RESULTS)[number];

export const ROLES = ['viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LAST_ACTIONS = ['created', 'configured', 'unchanged', 'deleted', 'skipped', 'failed'] as const;
/** What the agent's last apply did to a resource. */
export type LastAction = (typeof LAST_ACTIONS)[number];

export const DRIFT_KINDS = ['changed', 'deleted'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export const DRIFT_ACTIONS = ['healed', 'reported', 'ignored'] as const;
/** What the agent did about a drift: re-applied, only reported it (healing off), or the object opts out. */
export type DriftAction = (typeof DRIFT_ACTIONS)[number];

export const EVENT_TYPES = ['Normal', 'Warning'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A health status with what it rests on or still awaits. */
export interface HealthSummary {
  readonly status: HealthStatus;
  readonly message: string;
}

/** What `ferry cluster add` knows about a cluster: its name, labels and the repo path it follows. */
export interface NewCluster {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly repo: string;
  readonly ref: string;
  readonly path: string;
  /** The namespace the agent installs into and follows; '' for the agent's default. */
  readonly targetNamespace: string;
  /**
   * The name of the Secret (in the agent's namespace, made by the operator) holding the Git credential
   * of a private repo; '' for a public one. The hub keeps only the name, never the credential.
   */
  readonly credentialsSecret: string;
}

/** The cluster's latest sync, kept on the cluster row for the fleet view. */
export interface SyncSummary {
  readonly syncId: string;
  readonly revision: string | undefined;
  readonly result: SyncResult;
  readonly commitTime: Date | undefined;
  readonly startedAt: Date;
  /**
   * The revision of the latest sync that applied, and when a sync first applied it (lag = lastAppliedAt
   * - commitTime: a later sync of the same revision does not move it).
   */
  readonly appliedRevision: string | undefined;
  readonly lastAppliedAt: Date | undefined;
}

export interface Recovery {
  readonly startedAt: Date;
  readonly finishedAt: Date | undefined;
  /** Resources known before the cluster was lost: what "N of M objects back" counts against. */
  readonly expectedObjects: number;
  /**
   * The newest revision the hub knew of when recovery began (the agent's last attempted sync: Git's head
   * as the lost cluster last saw it); undefined when the cluster had never synced.
   */
  readonly recordedRevision: string | undefined;
}

export interface Cluster extends NewCluster {
  readonly state: ClusterState;
  /** The kube-system namespace UID, set at the first hello and then fixed. */
  readonly clusterUid: string | undefined;
  readonly agentVersion: string | undefined;
  readonly kubernetesVersion: string | undefined;
  readonly createdAt: Date;
  readonly enrolledAt: Date | undefined;
  readonly lastHeardAt: Date | undefined;
  readonly sync: SyncSummary | undefined;
  readonly health: HealthSummary | undefined;
  /**
   * The last connection the hub refused (a hello from a different cluster UID, or the cluster's revoked
   * credential), until a hello is accepted again.
   */
  readonly refusal: { readonly message: string; readonly at: Date } | undefined;
  readonly recovery: Recovery | undefined;
}

export interface SyncError {
  readonly message: string;
  readonly step?: string;
  readonly ref?: ObjectRef;
}

export interface SyncRecord {
  /** The agent's id for this sync: unique per cluster, so a sync reported twice is stored once. */
  readonly syncId: string;
  readonly revision: string | undefined;
  readonly commitTime: Date | undefined;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly result: SyncResult;
  readonly health: HealthSummary;
  /** Objects per action (`{ created: 2, unchanged: 40 }`). */
  readonly counts: Readonly<Record<string, number>>;
  readonly errors: readonly SyncError[];
}

/** One live object as the agent last saw it: identity, health, last action, drift. Never its manifest. */
export interface ResourceRecord {
  readonly ref: ObjectRef;
  readonly health: HealthSummary;
  readonly lastAction: LastAction | undefined;
  readonly drifted: boolean;
}

export interface DriftField {
  readonly path: string;
  /** How the field drifted (`changed`, `removed`, `unrecorded`) and who holds it now. */
  readonly change: string;
  readonly managers: readonly string[];
}

export interface DriftRecord {
  readonly ref: ObjectRef;
  readonly kind: DriftKind;
  readonly fields: readonly DriftField[];
  readonly action: DriftAction;
  readonly at: Date;
}

export interface EventRecord {
  readonly at: Date;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** A page of a listing; `next` is the cursor of the following page, absent on the last one. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export const AGENT_RECORD_TYPES = [
  'heartbeat',
  'sync',
  'snapshot-chunk',
  'resource-delta',
  'drift',
  'event',
  'readiness',
] as const;
export type AgentRecordType = (typeof AGENT_RECORD_TYPES)[number];

/** One part of a full snapshot; the snapshot replaces the stored one when its last chunk arrives. */
export interface SnapshotChunk {
  readonly snapshotId: string;
  /** The digest the agent computed over the whole snapshot; compared after a reconnect. */
  readonly digest: string;
  /** 0, 1, 2, ... in order; a chunk out of order abandons the snapshot. */
  readonly index: number;
  readonly last: boolean;
  readonly resources: readonly ResourceRecord[];
}

/** Changes to the stored snapshot between full snapshots (sent after a snapshot's last chunk). */
export interface ResourceDelta {
  /** The snapshot this delta moves on; a delta on a snapshot the hub does not hold is not applied. */
  readonly snapshotId?: string;
  readonly upserts: readonly ResourceRecord[];
  readonly deletes: readonly ObjectRef[];
  /** The agent's snapshot digest once this delta is applied, so a reconnect can compare digests. */
  readonly digest?: string;
}

/** Where a record sits in the agent's stream: epoch per agent process, seq increasing within it. */
export interface Sequenced {
  readonly epoch: string;
  readonly seq: number;
}

/** An already-validated message from an agent, as the store keeps it. */
export type AgentRecord = Sequenced &
  (
    | { readonly type: 'heartbeat'; readonly health?: HealthSummary }
    | { readonly type: 'sync'; readonly sync: SyncRecord }
    | { readonly type: 'snapshot-chunk'; readonly chunk: SnapshotChunk }
    | { readonly type: 'resource-delta'; readonly delta: ResourceDelta }
    | { readonly type: 'drift'; readonly drift: DriftRecord }
    | { readonly type: 'event'; readonly event: EventRecord }
    | { readonly type: 'readiness'; readonly readiness: ReadinessRecord }
  );

/**
 * DR readiness, as the cluster's agent last reported it: of the objects in its managed namespaces (what
 * Kubernetes makes by itself aside), how many Git describes, which it does not (bounded list, whole
 * count), which are data Git cannot rebuild, and the kinds the agent may not list.
 */
export interface ReadinessRecord {
  readonly scannedAt: Date;
  readonly rebuildable: number;
  readonly total: number;
  readonly notInGit: { readonly count: number; readonly items: readonly ObjectRef[] };
  readonly data: { readonly count: number; readonly items: readonly ObjectRef[] };
  readonly unknownKinds: readonly string[];
}
