// The hub's store, for the rest of the hub: openStore() and the types its methods take and return.
export { openStore } from './store.ts';
export type { Store, StoreAdmin, StoreOptions } from './store.ts';
export { DEFAULT_STORE_LIMITS } from './context.ts';
export type { StoreLimits } from './context.ts';
export { DB_FILE_NAME, defaultDataDir, defaultDbPath } from './data-dir.ts';
export { StoreError, STORE_ERROR_CODES } from './errors.ts';
export type { StoreErrorCode } from './errors.ts';
export { MIGRATIONS } from './migrations.ts';
export type { Migration, MigrationOutcome } from './migrations.ts';
export { isStale } from './clusters.ts';
export type { CreateClusterResult } from './clusters.ts';
export type { ClusterQuery, SummaryCounts } from './cluster-list.ts';
export type { Hello, HelloResult } from './hello.ts';
export type { BeginRecoveryResult, FinishRecoveryResult } from './recovery.ts';
export type { ReadinessSummary } from './readiness.ts';
export { DEFAULT_ENROLLMENT_TTL_MS, enrollmentExpiry, REDEEM_REFUSALS } from './enrollment.ts';
export type {
  EnrollmentTokenLookup,
  EnrollmentTokenRefusal,
  RedeemRefusal,
  RedeemResult,
} from './enrollment.ts';
export type { CredentialLookup } from './credentials.ts';
export type { ApiTokenInfo, CreateApiTokenResult, NewApiToken } from './api-tokens.ts';
export type { AgentBatch, ApplyOptions, BatchResult, EpochAck } from './batch.ts';
export type { HistoryQuery } from './history.ts';
export type { ResourceQuery } from './resources.ts';
export type { SnapshotMeta } from './snapshots.ts';
export type { DriftQuery } from './drift.ts';
export type { EventQuery } from './events.ts';
export {
  AGENT_RECORD_TYPES,
  CLUSTER_STATES,
  DRIFT_ACTIONS,
  DRIFT_KINDS,
  EVENT_TYPES,
  LAST_ACTIONS,
  ROLES,
  SYNC_RESULTS,
} from './types.ts';
export type {
  AgentRecord,
  AgentRecordType,
  Cluster,
  ClusterState,
  DriftAction,
  DriftField,
  DriftKind,
  DriftRecord,
  EventRecord,
  EventType,
  HealthSummary,
  LastAction,
  NewCluster,
  Page,
  ReadinessRecord,
  Recovery,
  ResourceDelta,
  ResourceRecord,
  Role,
  Sequenced,
  SnapshotChunk,
  SyncError,
  SyncRecord,
  SyncResult,
  SyncSummary,
} from './types.ts';
