// The agent's process plumbing: Prometheus metrics, the /healthz /readyz /metrics port, JSON logs.
export {
  Counter,
  Gauge,
  Histogram,
  Metrics,
  DEFAULT_BUCKETS,
  type LabelValues,
  type NoLabels,
} from './metrics.ts';
export { EXPOSITION_CONTENT_TYPE } from './exposition.ts';
export {
  agentMetrics,
  DRIFT_ACTIONS,
  OBJECT_ACTIONS,
  SYNC_RESULTS,
  type AgentMetrics,
  type DriftAction,
  type ObjectAction,
  type SyncResult,
} from './agent-metrics.ts';
export { startObserveServer, type ObserveServer, type ObserveServerOptions, type Probe } from './server.ts';
export { createLogger, SILENT_LOGGER, type Logger, type LoggerOptions, type LogFields } from './log.ts';
export { LOG_LEVELS, LOG_LEVEL_ENV, parseLogLevel, type LogLevel } from './log-level.ts';
export { REDACTED, REDACTED_KEY } from './log-fields.ts';
