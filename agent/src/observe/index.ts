// The agent's process plumbing: Prometheus metrics and the /healthz /readyz /metrics port (its JSON logs
// come from @ferry/shared's createLogger).
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
