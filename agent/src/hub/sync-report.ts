// One sync as the hub hears of it: the outcome of a reconcile turned into a syncReport body, with the
// protocol's bounds applied (errors 20 of 512 characters, changes 500, counts exact). Messages are the
// engine's, which name files, objects and fields and never a value; nothing is added from the objects.
import { formatRef, type Health, type ObjectRef } from '@ferry/shared';
import { BOUNDS, type ChangeAction, type SyncReportBody } from '@ferry/shared/protocol';
import type { ReconcileOutcome } from '../reconcile.ts';
import { cut } from './resource-state.ts';

export interface SyncTiming {
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** The report of one sync; undefined when nothing ran (the GitSync is suspended). */
export function syncReportOf(
  outcome: ReconcileOutcome,
  syncId: string,
  timing: SyncTiming,
): SyncReportBody | undefined {
  if (outcome.phase.kind === 'suspended') return undefined;
  const report = outcome.report;
  const changeSet = report?.changeSet ?? [];
  const pruned = report?.pruned ?? [];
  const count = (action: string): number => changeSet.filter((entry) => entry.action === action).length;
  const changes: { ref: ObjectRef; action: ChangeAction }[] = [];
  for (const entry of [...changeSet, ...pruned]) {
    if (entry.action === 'unchanged' || changes.length >= BOUNDS.changes) continue;
    changes.push({ ref: entry.ref, action: entry.action });
  }
  const revision = revisionOf(report?.revision, report?.commit?.sha);
  const commitTime = isoTime(report?.commit?.time);
  return {
    syncId,
    ...(revision !== undefined ? { revision } : {}),
    ...(commitTime !== undefined ? { commitTime } : {}),
    startedAt: timing.startedAt.toISOString(),
    durationMs: Math.max(0, Math.round(timing.finishedAt.getTime() - timing.startedAt.getTime())),
    result: report === undefined || report.result === 'planned' ? 'failed' : report.result,
    health: healthOf(outcome),
    counts: {
      created: count('created'),
      configured: count('configured'),
      unchanged: count('unchanged'),
      deleted: pruned.filter((entry) => entry.action === 'deleted').length,
      failed: count('failed') + pruned.filter((entry) => entry.action === 'failed').length,
    },
    errors: errorsOf(outcome),
    changes,
    timings: Object.fromEntries(
      Object.entries(report?.timings ?? {}).map(([step, ms]) => [step, Math.max(0, Math.round(ms))]),
    ),
  };
}

/**
 * The report cut until `fits` says its frame does: the list of changes halves (the counts stay exact),
 * then the errors. The smallest frame the hub may choose (64 KiB) holds a report with no changes.
 */
export function fitSyncReport(body: SyncReportBody, fits: (body: SyncReportBody) => boolean): SyncReportBody {
  let fitted = body;
  while (!fits(fitted) && fitted.changes.length > 0)
    fitted = { ...fitted, changes: fitted.changes.slice(0, Math.floor(fitted.changes.length / 2)) };
  while (!fits(fitted) && fitted.errors.length > 1)
    fitted = { ...fitted, errors: fitted.errors.slice(0, Math.floor(fitted.errors.length / 2)) };
  return fitted;
}

function healthOf(outcome: ReconcileOutcome): Health {
  const health = outcome.health;
  if (health !== undefined)
    return { status: health.status, message: cut(health.message, BOUNDS.healthMessage) };
  const why =
    outcome.phase.kind === 'failed' ? `the sync failed (${outcome.phase.reason})` : 'no health check ran';
  return { status: 'Unknown', message: `not judged: ${why}` };
}

function errorsOf(outcome: ReconcileOutcome): string[] {
  const report = outcome.report;
  const errors: string[] = [];
  if (report?.failure !== undefined) errors.push(report.failure.message);
  for (const error of report?.renderErrors ?? [])
    errors.push(`${error.file}:${error.line}: ${error.message}`);
  for (const entry of [...(report?.changeSet ?? []), ...(report?.pruned ?? [])]) {
    if (entry.action !== 'failed') continue;
    const name = formatRef(entry.ref);
    const message = entry.message ?? 'failed';
    errors.push(message.startsWith(name) ? message : `${name}: ${message}`);
  }
  // A failure the report does not carry: an invalid spec, unreadable credentials, health not reached.
  if (
    outcome.phase.kind === 'failed' &&
    (errors.length === 0 || outcome.phase.reason === 'HealthCheckFailed')
  )
    errors.push(outcome.phase.message);
  return [...new Set(errors)].slice(0, BOUNDS.errors).map((error) => cut(error, BOUNDS.error));
}

/** The revision as the agent names it (`main@sha1:…`), or the bare commit when that is too long. */
function revisionOf(revision: string | undefined, sha: string | undefined): string | undefined {
  if (revision === undefined || revision === '') return undefined;
  if (revision.length <= BOUNDS.revision) return revision;
  return sha !== undefined ? `sha1:${sha}` : cut(revision, BOUNDS.revision);
}

/** ISO 8601 in UTC, or undefined when the text is no time. */
function isoTime(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
