// @ferry/shared: what the agent and the hub both speak. Curated named exports only. The wire protocol
// (zod schemas, frames) is `@ferry/shared/protocol`, so that code which does not speak it does not load it.
export type { ObjectRef } from './object-ref.ts';
export { formatRef, parseApiVersion, refKey } from './object-ref.ts';
export type { Health, HealthStatus } from './health.ts';
export { HEALTH_STATUSES, HEALTH_WORST_FIRST, isHealthStatus, rollUpHealth, worstOf } from './health.ts';
export { parseDuration } from './duration.ts';
export { createLogger, SILENT_LOGGER, type Logger, type LoggerOptions, type LogFields } from './log/log.ts';
export { LOG_LEVELS, LOG_LEVEL_ENV, parseLogLevel, type LogLevel } from './log/log-level.ts';
export { REDACTED, REDACTED_KEY } from './log/log-fields.ts';
