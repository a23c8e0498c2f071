// The hub's HTTP API (hono): createApp() for server.ts to serve, ensureAdminToken() for the entry point,
// and the JSON shapes the API answers with (for the CLI).
export { createApp, loggedPath, MAX_BODY_BYTES } from './app.ts';
export type { AppDeps, AppEnv, Caller, ChannelView } from './deps.ts';
export {
  ADMIN_TOKEN_ERROR_CODES,
  ADMIN_TOKEN_NAME,
  AdminTokenError,
  ENV_TOKEN_MIN,
  ensureAdminToken,
} from './admin-token.ts';
export type { AdminTokenErrorCode, EnsureAdminTokenOptions, EnsureAdminTokenResult } from './admin-token.ts';
export { API_ERROR_STATUS, ApiError } from './errors.ts';
export type { ApiErrorBody, ApiErrorCode, ApiErrorStatus } from './errors.ts';
export { installUrl } from './enrollment-token.ts';
export type { EnrollmentJson } from './enrollment-token.ts';
export { PAGE_DEFAULT, PAGE_MAX } from './schemas.ts';
export { staleBefore, clusterIsStale } from './stale.ts';
export type { StaleRule } from './stale.ts';
export type {
  ApiTokenJson,
  ClusterJson,
  ClusterSyncJson,
  DriftJson,
  EventJson,
  HealthJson,
  PageJson,
  ResourceJson,
  SyncJson,
} from './json.ts';
