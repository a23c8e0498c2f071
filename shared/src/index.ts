// @ferry/shared: what the agent and the hub both speak. Curated named exports only.
export type { ObjectRef } from './object-ref.ts';
export { formatRef, parseApiVersion, refKey } from './object-ref.ts';
export type { Health, HealthStatus } from './health.ts';
export { HEALTH_STATUSES, HEALTH_WORST_FIRST, isHealthStatus, rollUpHealth, worstOf } from './health.ts';
export * from './protocol/index.ts';
