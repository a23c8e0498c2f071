// The resource state the agent reports: every object Git holds, with its health, the last action a
// sync took on it and whether it drifted since (a ResourceSummary each, keyed by refKey). Pure
// functions from the state before and what happened to the state after, and the difference between two
// states (what a delta carries). Never a manifest, never a field's value.
import { refKey, type HealthStatus, type ObjectRef } from '@ferry/shared';
import { BOUNDS, snapshotDigest, type ResourceSummary } from '@ferry/shared/protocol';
import type { ReconcileOutcome } from '../reconcile.ts';

export type ResourceState = ReadonlyMap<string, ResourceSummary>;

/** One object's health as the engine judges it (engine/wait-healthy.ts ObjectHealth). */
export interface ObjectHealthLike {
  readonly ref: ObjectRef;
  readonly status: HealthStatus;
  readonly message: string;
}

export function digestOf(state: ResourceState): string {
  return snapshotDigest([...state.values()]);
}

/** The state in refKey order (snapshots and tests read it so). */
export function listState(state: ResourceState): ResourceSummary[] {
  return [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, summary]) => summary);
}

/**
 * The state after a sync. A sync that applied (or applied and had its prune blocked) lists every object
 * Git holds, so the state becomes exactly that; a sync that failed part way updates what it reached and
 * keeps the rest; one that reached no object (fetch or render failed, spec invalid) changes nothing.
 * Health comes from `healths` (one per object) when given, else from a Current rollup, else stays as it
 * was (Unknown for an object never judged). An object a sync applied again is no longer drifted.
 */
export function stateAfterSync(
  previous: ResourceState | undefined,
  outcome: ReconcileOutcome,
  healths: readonly ObjectHealthLike[] = [],
): ResourceState | undefined {
  const report = outcome.report;
  if (report === undefined) return previous;
  const complete = report.result === 'applied' || report.result === 'prune-blocked';
  if (!complete && report.changeSet.length === 0) return previous;
  const judged = new Map(healths.map((health) => [refKey(health.ref), health]));
  const allCurrent = outcome.health?.status === 'Current';
  const next = new Map<string, ResourceSummary>(complete ? [] : (previous ?? []));
  for (const entry of report.changeSet) {
    const key = refKey(entry.ref);
    const before = previous?.get(key);
    const reached = entry.action !== 'failed' && entry.action !== 'skipped';
    const health =
      judged.get(key) ??
      (allCurrent && reached ? { status: 'Current' as const, message: '' } : undefined) ??
      (before !== undefined ? { status: before.health, message: before.healthMessage ?? '' } : undefined) ??
      ({ status: 'Unknown', message: 'not judged yet' } as const);
    const applied = entry.action === 'created' || entry.action === 'configured';
    next.set(
      key,
      summary(entry.ref, health.status, health.message, entry.action, before?.drifted === true && !applied),
    );
  }
  for (const entry of report.pruned) if (entry.action === 'deleted') next.delete(refKey(entry.ref));
  return next;
}

/** The state with one object's drift flag set (an object the state does not hold is left out). */
export function stateAfterDrift(state: ResourceState, key: string, drifted: boolean): ResourceState {
  const before = state.get(key);
  if (before === undefined || before.drifted === drifted) return state;
  const next = new Map(state);
  next.set(key, { ...before, drifted });
  return next;
}

/** The state with new health for the objects judged (after the sync's state was taken). */
export function stateWithHealth(state: ResourceState, healths: readonly ObjectHealthLike[]): ResourceState {
  const next = new Map(state);
  for (const health of healths) {
    const key = refKey(health.ref);
    const before = next.get(key);
    if (before === undefined) continue;
    next.set(key, summary(before.ref, health.status, health.message, before.lastAction, before.drifted));
  }
  return next;
}

export interface StateDiff {
  readonly upserts: readonly ResourceSummary[];
  readonly removals: readonly ObjectRef[];
}

/** What turns `base` into `current`: whole summaries that are new or changed, refs that are gone. */
export function diffStates(base: ResourceState, current: ResourceState): StateDiff {
  const upserts: ResourceSummary[] = [];
  for (const [key, summary] of current) {
    const before = base.get(key);
    if (before === undefined || !sameSummary(before, summary)) upserts.push(summary);
  }
  const removals: ObjectRef[] = [];
  for (const [key, summary] of base) if (!current.has(key)) removals.push(summary.ref);
  return { upserts, removals };
}

function sameSummary(a: ResourceSummary, b: ResourceSummary): boolean {
  return snapshotDigest([a]) === snapshotDigest([b]);
}

function summary(
  ref: ObjectRef,
  health: HealthStatus,
  message: string,
  lastAction: ResourceSummary['lastAction'],
  drifted: boolean,
): ResourceSummary {
  // Messages only where they say something: what a Current object rests on is not worth the bytes.
  const said = health !== 'Current' && message !== '';
  return {
    ref: { group: ref.group, version: ref.version, kind: ref.kind, namespace: ref.namespace, name: ref.name },
    health,
    ...(said ? { healthMessage: cut(message, BOUNDS.healthMessage) } : {}),
    ...(lastAction !== undefined ? { lastAction } : {}),
    drifted,
  };
}

/** At most `max` characters, with `…` when cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
