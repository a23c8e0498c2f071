// The GitSync's status, computed from what happened: conditions by Kubernetes conventions (Ready,
// Reconciling, Stalled; lastTransitionTime moves only when a condition's status does), a bounded
// history of syncs, inventory counts. Pure: the caller writes the result through the status subresource.
import type { ReconcileOutcome } from '../reconcile.ts';
import type { SyncReport } from '../sync.ts';
import {
  SYNC_HISTORY_LIMIT,
  type Condition,
  type ConditionType,
  type GitSyncStatus,
  type SyncRecord,
} from './types.ts';

/** Why Ready is what it is; reasons are CamelCase as the conventions ask. */
export const READY_REASONS = [
  'Synced',
  'Progressing',
  'HealthCheckFailed',
  'FetchFailed',
  'RenderFailed',
  'ValidationFailed',
  'ApplyFailed',
  'PruneBlocked',
  'PruneFailed',
  'InvalidSpec',
  'Suspended',
] as const;
export type ReadyReason = (typeof READY_REASONS)[number];

/** What the agent is doing or did, in the terms the conditions need. */
export type Phase =
  | { readonly kind: 'syncing'; readonly message: string }
  | { readonly kind: 'ready'; readonly message: string }
  | { readonly kind: 'waiting-health'; readonly message: string }
  /** `stalled`: trying again with the same revision and spec cannot help; a person or a commit must act. */
  | {
      readonly kind: 'failed';
      readonly reason: ReadyReason;
      readonly message: string;
      readonly stalled: boolean;
    }
  | { readonly kind: 'suspended' };

export const EMPTY_STATUS: GitSyncStatus = { observedGeneration: 0, conditions: [], history: [] };

const MESSAGE_LIMIT = 1024;

export function bounded(message: string, limit = MESSAGE_LIMIT): string {
  return message.length <= limit ? message : `${message.slice(0, limit - 1)}…`;
}

type Wanted = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

function wantedConditions(phase: Phase): Wanted[] {
  switch (phase.kind) {
    case 'syncing':
      return [
        { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: phase.message },
        { type: 'Reconciling', status: 'True', reason: 'Progressing', message: phase.message },
        { type: 'Stalled', status: 'False', reason: 'Progressing', message: '' },
      ];
    case 'waiting-health':
      return [
        { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: phase.message },
        { type: 'Reconciling', status: 'True', reason: 'Progressing', message: phase.message },
        { type: 'Stalled', status: 'False', reason: 'Progressing', message: '' },
      ];
    case 'ready':
      return [
        { type: 'Ready', status: 'True', reason: 'Synced', message: phase.message },
        { type: 'Reconciling', status: 'False', reason: 'Synced', message: '' },
        { type: 'Stalled', status: 'False', reason: 'Synced', message: '' },
      ];
    case 'failed':
      return [
        { type: 'Ready', status: 'False', reason: phase.reason, message: phase.message },
        { type: 'Reconciling', status: 'False', reason: phase.reason, message: '' },
        {
          type: 'Stalled',
          status: phase.stalled ? 'True' : 'False',
          reason: phase.reason,
          message: phase.stalled ? phase.message : '',
        },
      ];
    case 'suspended':
      return [
        {
          type: 'Reconciling',
          status: 'False',
          reason: 'Suspended',
          message: 'spec.suspend is true: no sync until it is false',
        },
        { type: 'Stalled', status: 'False', reason: 'Suspended', message: '' },
      ];
  }
}

/** The conditions after `phase`; a condition the phase does not mention keeps its value. */
export function conditionsFor(
  previous: readonly Condition[],
  phase: Phase,
  generation: number,
  now: string,
): Condition[] {
  const byType = new Map<ConditionType, Condition>(previous.map((c) => [c.type, c]));
  for (const want of wantedConditions(phase)) {
    const before = byType.get(want.type);
    const { message, ...rest } = want;
    byType.set(want.type, {
      ...rest,
      ...(message !== undefined && message !== '' ? { message: bounded(message) } : {}),
      lastTransitionTime:
        before !== undefined && before.status === want.status ? before.lastTransitionTime : now,
      observedGeneration: generation,
    });
  }
  return (['Ready', 'Reconciling', 'Stalled'] as const).flatMap((type) => {
    const condition = byType.get(type);
    return condition === undefined ? [] : [condition];
  });
}

/** The phase a finished sync leaves the GitSync in (before health is judged for an applied revision). */
export function phaseOf(report: SyncReport): Phase {
  if (report.result === 'applied' || report.result === 'planned')
    return { kind: 'ready', message: `Applied revision ${report.revision ?? 'unknown'}` };
  if (report.result === 'prune-blocked')
    return {
      kind: 'failed',
      reason: 'PruneBlocked',
      message: report.failure?.message ?? 'prune blocked by a guard',
      stalled: true,
    };
  const step = report.failure?.step;
  const message = failureMessage(report);
  switch (step) {
    case 'fetch':
      return { kind: 'failed', reason: 'FetchFailed', message, stalled: false };
    case 'render':
      return { kind: 'failed', reason: 'RenderFailed', message, stalled: true };
    case 'plan':
      return { kind: 'failed', reason: 'ValidationFailed', message, stalled: true };
    case 'prune':
      return { kind: 'failed', reason: 'PruneFailed', message, stalled: false };
    default:
      return { kind: 'failed', reason: 'ApplyFailed', message, stalled: false };
  }
}

/** The failure with its first few causes: the files and objects it names. */
export function failureMessage(report: SyncReport): string {
  const head = report.failure?.message ?? 'sync failed';
  const details = [
    ...report.renderErrors.map((e) => `${e.file}:${e.line}: ${e.message}`),
    ...report.changeSet.filter((e) => e.action === 'failed').map((e) => e.message ?? ''),
  ].filter((m) => m !== '');
  const shown = details.slice(0, 5);
  const more = details.length > shown.length ? `; and ${details.length - shown.length} more` : '';
  return bounded(shown.length === 0 ? head : `${head}: ${shown.join('; ')}${more}`);
}

export function syncRecord(report: SyncReport, startedAt: string): SyncRecord {
  const count = (action: string): number => report.changeSet.filter((e) => e.action === action).length;
  return {
    revision: report.revision,
    startedAt,
    durationMs: report.durationMs,
    result: report.result === 'planned' ? 'applied' : report.result,
    created: count('created'),
    configured: count('configured'),
    unchanged: count('unchanged'),
    pruned: report.pruned.filter((e) => e.action === 'deleted').length,
    failed: count('failed'),
    ...(report.result === 'applied' ? {} : { message: bounded(failureMessage(report), 256) }),
  };
}

/** Newest first, at most SYNC_HISTORY_LIMIT. */
export function withHistory(history: readonly SyncRecord[], record: SyncRecord): SyncRecord[] {
  return [record, ...history].slice(0, SYNC_HISTORY_LIMIT);
}

/**
 * The status a finished sync leaves, from the status it read at its start. `drReadiness` and `drift` are
 * left out: other writers own them and may have written newer values during the sync.
 */
export function statusAfter(
  status: GitSyncStatus,
  outcome: Pick<ReconcileOutcome, 'phase' | 'report' | 'health'>,
  generation: number,
  requestedAt: string | undefined,
  startedAt: string,
): GitSyncStatus {
  const now = new Date().toISOString();
  const report = outcome.report;
  const applied = report?.result === 'applied' && outcome.phase.kind === 'ready';
  const objects = report?.changeSet.filter((e) => e.action !== 'failed') ?? [];
  const namespaces = new Set(objects.map((e) => e.ref.namespace).filter((n) => n !== ''));
  return {
    ...status,
    // Left out of the patch (undefined is not sent): the readiness scan and the drift keeper write these,
    // maybe during this sync; what this sync read at its start may already be older than theirs.
    drReadiness: undefined,
    drift: undefined,
    observedGeneration: generation,
    conditions: conditionsFor(status.conditions, outcome.phase, generation, now),
    ...(report?.revision !== undefined ? { lastAttemptedRevision: report.revision } : {}),
    ...(applied && report.revision !== undefined
      ? { lastAppliedRevision: report.revision, lastAppliedAt: now }
      : {}),
    ...(requestedAt !== undefined ? { lastHandledRequestedAt: requestedAt } : {}),
    ...(report?.result === 'applied'
      ? { inventory: { objects: objects.length, namespaces: namespaces.size } }
      : {}),
    ...(outcome.health !== undefined
      ? { health: { status: outcome.health.status, message: outcome.health.message.slice(0, 1024) } }
      : {}),
    history:
      report === undefined ? status.history : withHistory(status.history, syncRecord(report, startedAt)),
  };
}
