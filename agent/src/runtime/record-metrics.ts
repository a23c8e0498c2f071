// A sync's outcome in the agent's metrics.
import type { AgentMetrics } from '../observe/agent-metrics.ts';
import type { ReconcileOutcome } from '../reconcile.ts';

export function recordOutcome(metrics: AgentMetrics, outcome: ReconcileOutcome): void {
  const report = outcome.report;
  if (report === undefined) return;
  if (report.result !== 'planned')
    metrics.syncDuration.observe({ result: report.result }, report.durationMs / 1000);
  for (const entry of [...report.changeSet, ...report.pruned]) {
    if (entry.action === 'skipped') continue;
    metrics.objects.inc({ action: entry.action });
  }
  if (report.timings.fetch !== undefined) metrics.gitFetchDuration.observe({}, report.timings.fetch / 1000);
  if (report.failure?.code !== undefined) metrics.gitFetchErrors.inc({ code: report.failure.code });
  if (outcome.phase.kind === 'ready') metrics.lastAppliedTimestamp.set({}, Date.now() / 1000);
}
