// The fleet API's JSON as the CLI reads it (docs/api.md): what the hub sends, not the store's records.
// The cluster's shape is the API's own (api/json.ts): one definition for both ends.
export type { ClusterJson, ClusterSyncJson as SyncJson, HealthJson } from '../api/json.ts';
export { CLUSTER_STATES, SYNC_RESULTS } from '../store/types.ts';
export type { ClusterState, SyncResult } from '../store/types.ts';
import type { ClusterJson } from '../api/json.ts';

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
