// A SyncReport for people (a table) or for machines (JSON). Refs are printed with formatRef; no
// Secret value is ever part of a report.
import { formatRef } from '@ferry/shared';
import type { ChangeSetEntry } from '../engine/types.ts';
import type { SyncReport } from '../sync.ts';

function entryJson(entry: ChangeSetEntry): Record<string, unknown> {
  return {
    object: formatRef(entry.ref),
    action: entry.action,
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.message ? { message: entry.message } : {}),
    ...(entry.takenFrom ? { takenFrom: entry.takenFrom } : {}),
    ...(entry.diff ? { diff: entry.diff } : {}),
  };
}

export function syncReportJson(report: SyncReport): string {
  return `${JSON.stringify(
    {
      result: report.result,
      revision: report.revision,
      commit: report.commit,
      history: report.history,
      changes: report.changeSet.map(entryJson),
      pruned: report.pruned.map(entryJson),
      prune:
        report.prune === undefined
          ? undefined
          : report.prune.kind === 'blocked'
            ? {
                blocked: report.prune.guard,
                reason: report.prune.reason,
                candidates: report.prune.candidates.map(formatRef),
              }
            : {
                kept: report.prune.kept.map((kept) => ({
                  object: formatRef(kept.ref),
                  guard: kept.guard,
                  reason: kept.reason,
                })),
              },
      renderErrors: report.renderErrors,
      failure: report.failure,
      durationMs: report.durationMs,
      timings: report.timings,
    },
    null,
    2,
  )}\n`;
}

export function syncReportTable(report: SyncReport): string {
  const lines = [`${report.result}  ${report.revision ?? '(no revision)'}  in ${report.durationMs} ms`];
  const counts = new Map<string, number>();
  for (const entry of [...report.changeSet, ...report.pruned])
    counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1);
  lines.push([...counts].map(([action, count]) => `${count} ${action}`).join(', ') || 'no objects');
  for (const entry of [...report.changeSet, ...report.pruned]) {
    if (entry.action === 'unchanged') continue;
    lines.push(
      `  ${entry.action.padEnd(10)} ${formatRef(entry.ref)}${entry.source ? `  (${entry.source})` : ''}${entry.message ? `  ${entry.message}` : ''}`,
    );
    for (const [manager, fields] of Object.entries(entry.takenFrom ?? {})) {
      lines.push(`             took from ${manager}: ${fields.join(', ')}`);
    }
    for (const change of entry.action === 'configured' ? (entry.diff ?? []) : []) {
      const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));
      lines.push(`             ${change.path}: ${show(change.from)} → ${show(change.to)}`);
    }
  }
  for (const error of report.renderErrors)
    lines.push(`  ${error.file}:${error.line}: ${error.message} [${error.code}]`);
  if (report.prune?.kind === 'blocked') {
    lines.push(`prune blocked by ${report.prune.guard}: ${report.prune.reason}`);
    for (const ref of report.prune.candidates) lines.push(`  would delete ${formatRef(ref)}`);
  }
  if (report.failure) lines.push(`failed at ${report.failure.step}: ${report.failure.message}`);
  return `${lines.join('\n')}\n`;
}
