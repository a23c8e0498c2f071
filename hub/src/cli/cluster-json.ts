// The fleet API's JSON as the CLI reads it (docs/api.md): what the hub sends, not the store's records.
import type { HealthStatus } from '@ferry/shared';

export const CLUSTER_STATES = ['pending', 'enrolled', 'recovering'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

export const SYNC_RESULTS = ['applied', 'failed', 'prune-blocked'] as const;
export type SyncResult = (typeof SYNC_RESULTS)[number];

export interface HealthJson {
  readonly status: HealthStatus;
  readonly message: string;
}

export interface SyncJson {
  readonly syncId: string;
  readonly result: SyncResult;
  readonly revision: string | null;
  readonly commitTime: string | null;
  readonly startedAt: string;
  readonly appliedRevision: string | null;
  readonly lastAppliedAt: string | null;
  readonly lagSeconds: number | null;
}

export interface ClusterJson {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly source: {
    readonly repo: string;
    readonly ref: string;
    readonly path: string;
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
  readonly sync: SyncJson | null;
  readonly refusal: { readonly message: string; readonly at: string } | null;
  readonly recovery: {
    readonly startedAt: string;
    readonly finishedAt: string | null;
    readonly expectedObjects: number;
  } | null;
}

export interface SummaryJson {
  readonly total: number;
  readonly byState: Readonly<Record<string, number>>;
  readonly byHealth: Readonly<Record<string, number>>;
  readonly bySync: Readonly<Record<string, number>>;
  readonly stale: number;
  readonly connected: number;
}

export interface EnrollmentJson {
  readonly token: string;
  readonly expiresAt: string;
  readonly installUrl: string;
}

export interface WhoamiJson {
  readonly name: string;
  readonly role: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A light check that a value is shaped like a ClusterJson (the fields the CLI prints). */
export function isClusterJson(value: unknown): value is ClusterJson {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.state === 'string' &&
    isRecord(value.source) &&
    typeof value.source.repo === 'string' &&
    typeof value.stale === 'boolean' &&
    typeof value.connected === 'boolean'
  );
}

export function isSummaryJson(value: unknown): value is SummaryJson {
  return (
    isRecord(value) &&
    typeof value.total === 'number' &&
    isRecord(value.byState) &&
    isRecord(value.byHealth) &&
    isRecord(value.bySync)
  );
}

export function isEnrollmentJson(value: unknown): value is EnrollmentJson {
  return isRecord(value) && typeof value.token === 'string' && typeof value.expiresAt === 'string';
}

export function isWhoamiJson(value: unknown): value is WhoamiJson {
  return isRecord(value) && typeof value.name === 'string' && typeof value.role === 'string';
}

export { isRecord };
