// The agent's metrics, declared in one place: names, help, labels and buckets. Every label value the
// agent can use is known here, so each series is scraped at zero before its first event.
import type { Action } from '../engine/types.ts';
import { SOURCE_ERROR_CODES, type SourceErrorCode } from '../source/errors.ts';
import { Counter, Gauge, Histogram, Metrics } from './metrics.ts';

export const SYNC_RESULTS = ['applied', 'failed', 'prune-blocked'] as const;
export type SyncResult = (typeof SYNC_RESULTS)[number];

export const OBJECT_ACTIONS = [
  'created',
  'configured',
  'unchanged',
  'deleted',
  'failed',
] as const satisfies readonly Action[];
export type ObjectAction = (typeof OBJECT_ACTIONS)[number];

export const DRIFT_ACTIONS = ['healed', 'reported', 'ignored'] as const;
export type DriftAction = (typeof DRIFT_ACTIONS)[number];

/** A whole sync: from fetch to prune, seconds. */
export const SYNC_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** One fetch from the Git server, seconds. */
export const GIT_FETCH_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface AgentMetrics {
  /** The registry they live in; its render() is what /metrics serves. */
  readonly registry: Metrics;
  readonly syncDuration: Histogram<{ result: SyncResult }>;
  readonly objects: Counter<{ action: ObjectAction }>;
  readonly driftEvents: Counter<{ action: DriftAction }>;
  readonly lastAppliedTimestamp: Gauge;
  readonly gitFetchDuration: Histogram;
  readonly gitFetchErrors: Counter<{ code: SourceErrorCode }>;
  readonly syncInProgress: Gauge;
}

/** Declares the agent's metrics in a registry (a new one unless given). */
export function agentMetrics(registry: Metrics = new Metrics()): AgentMetrics {
  const metrics: AgentMetrics = {
    registry,
    syncDuration: registry.histogram<{ result: SyncResult }>(
      'ferry_sync_duration_seconds',
      'Duration of a sync (fetch, render, apply, prune), by result.',
      ['result'],
      SYNC_BUCKETS,
    ),
    objects: registry.counter<{ action: ObjectAction }>(
      'ferry_objects_total',
      'Objects the agent applied or deleted, by what happened to them.',
      ['action'],
    ),
    driftEvents: registry.counter<{ action: DriftAction }>(
      'ferry_drift_events_total',
      'Live objects found different from Git, by what the agent did about it.',
      ['action'],
    ),
    lastAppliedTimestamp: registry.gauge(
      'ferry_last_applied_timestamp_seconds',
      'Unix time of the last sync that applied a revision (0 before the first).',
    ),
    gitFetchDuration: registry.histogram(
      'ferry_git_fetch_duration_seconds',
      'Duration of a fetch from the Git server.',
      [],
      GIT_FETCH_BUCKETS,
    ),
    gitFetchErrors: registry.counter<{ code: SourceErrorCode }>(
      'ferry_git_fetch_errors_total',
      'Failed fetches from the Git server, by error code.',
      ['code'],
    ),
    syncInProgress: registry.gauge('ferry_sync_in_progress', '1 while a sync runs, else 0.'),
  };
  for (const result of SYNC_RESULTS) metrics.syncDuration.init({ result });
  for (const action of OBJECT_ACTIONS) metrics.objects.init({ action });
  for (const action of DRIFT_ACTIONS) metrics.driftEvents.init({ action });
  for (const code of SOURCE_ERROR_CODES) metrics.gitFetchErrors.init({ code });
  return metrics;
}
