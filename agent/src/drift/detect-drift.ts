// Whether a new version of an object Ferry applied is drift, and which of Ferry's fields drifted. The
// baseline is the object as Ferry's own last apply answered it; the caller replaces it with the answer
// to each apply it makes, and compares every version the watch delivers against it.
//
// Server-side apply records who owns what. When another manager changes a field Ferry owns (an Update:
// kubectl edit, patch, label, a controller; or a forced Apply), the field moves to that manager; when a
// field is removed it leaves every manager's set. So Ferry's set in the baseline minus Ferry's set now
// is what others changed or removed. One gap, seen on Kubernetes 1.20: a write through the /scale
// subresource (kubectl scale, a HorizontalPodAutoscaler) changes spec.replicas and records no manager,
// so the values of the fields Ferry still owns are compared too (`unrecorded`). Status is never drift.
import { isDeepStrictEqual } from 'node:util';
import type { ObjectRef } from '@ferry/shared';
import type { IgnoreRule } from '../gitsync/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { fieldNodes, ownedBy, ownedNodes } from './fields.ts';
import { ignoredBy } from './ignore.ts';
import {
  DEFAULT_DRIFT_MANAGER,
  DRIFT_ANNOTATION,
  DRIFT_OPT_OUT,
  type DriftedField,
  type FieldChange,
  type DriftReport,
} from './types.ts';
import { sameValue, valueAt } from './value-at.ts';

export interface DetectDriftInput {
  /**
   * The object as Ferry's last apply answered it, whole: from an answer with metadata only, fields
   * taken or removed are still found, but not values changed with no manager recorded.
   */
  readonly baseline: KubeObject;
  /** The object now; undefined when it is gone. */
  readonly live: KubeObject | undefined;
  readonly ref: ObjectRef;
  readonly ignore: readonly IgnoreRule[];
  /** Ferry's field manager; DEFAULT_DRIFT_MANAGER (`ferry`) when not given. */
  readonly manager?: string;
}

const optedOut = (object: KubeObject): boolean =>
  object.metadata.annotations?.[DRIFT_ANNOTATION] === DRIFT_OPT_OUT;

/** Deleted, being deleted, or deleted and made again (another uid) since the baseline. */
function gone(baseline: KubeObject, live: KubeObject): boolean {
  if (live.metadata.deletionTimestamp !== undefined && baseline.metadata.deletionTimestamp === undefined)
    return true;
  const { uid } = baseline.metadata;
  return uid !== undefined && live.metadata.uid !== undefined && live.metadata.uid !== uid;
}

function latestWrite(object: KubeObject, manager: string): string | undefined {
  const times = (object.metadata.managedFields ?? [])
    .filter((entry) => entry.manager === manager && entry.time !== undefined)
    .map((entry) => entry.time ?? '');
  return times.length === 0 ? undefined : times.sort().at(-1);
}

/**
 * The manager wrote since the baseline: its entries carry a newer time, or it owns a field it did not.
 * Other managers' writes take fields from its set but never touch its time or add to its set.
 */
function wroteSince(baseline: KubeObject, live: KubeObject, manager: string): boolean {
  const now = latestWrite(live, manager);
  if (now !== undefined && now !== latestWrite(baseline, manager)) return true;
  const before = ownedBy(baseline, manager);
  return [...ownedBy(live, manager)].some((path) => !before.has(path));
}

/** Every path each other manager owns now. */
function othersByPath(live: KubeObject, manager: string): Map<string, Set<string>> {
  const owners = new Map<string, Set<string>>();
  for (const entry of live.metadata.managedFields ?? []) {
    const name = entry.manager ?? '';
    if (name === manager) continue;
    for (const { path } of fieldNodes(entry.fieldsV1))
      owners.set(path, (owners.get(path) ?? new Set()).add(name));
  }
  return owners;
}

/**
 * Ferry's fields that another manager changed or removed, or whose value changed unrecorded. A value
 * the baseline does not hold (an apply answered with metadata only) is not compared.
 */
function driftedFields(baseline: KubeObject, live: KubeObject, manager: string): DriftedField[] {
  const now = ownedBy(live, manager);
  const others = othersByPath(live, manager);
  const fields: DriftedField[] = [];
  const push = (path: string, change: FieldChange, managers: readonly string[] = []) => {
    fields.push({ path, change, managers });
  };
  for (const node of ownedNodes(baseline, manager).values()) {
    const before = valueAt(baseline, node.segments);
    const after = valueAt(live, node.segments);
    const moved = before !== undefined && !sameValue(before, after);
    const managers = [...(others.get(node.path) ?? [])].sort();
    if (now.has(node.path)) {
      if (node.leaf && moved) push(node.path, after === undefined ? 'removed' : 'unrecorded');
    } else if (managers.length > 0) {
      push(node.path, 'changed', managers);
    } else if (after === undefined) {
      push(node.path, 'removed');
    } else if (moved) {
      push(node.path, 'unrecorded');
    }
    // Else Ferry lost the field but its value is intact (managedFields were reset): not drift.
  }
  return fields;
}

const under = (path: string, ancestor: string): boolean =>
  path.startsWith(ancestor) && (path.charAt(ancestor.length) === '/' || path.charAt(ancestor.length) === '[');

/** Sorted by path, without the fields whose ancestor in the list says the same (a removed list item). */
function outermost(fields: readonly DriftedField[]): DriftedField[] {
  const kept: DriftedField[] = [];
  for (const field of [...fields].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const said = kept.some(
      (outer) =>
        under(field.path, outer.path) &&
        outer.change === field.change &&
        isDeepStrictEqual(outer.managers, field.managers),
    );
    if (!said) kept.push(field);
  }
  return kept;
}

/**
 * The drift of one object since Ferry's last apply, or undefined when nothing Ferry owns moved (or
 * what moved is ignored by a rule, or Ferry itself wrote since the baseline: the caller then has a
 * newer baseline). An object annotated `ferry.dev/drift: ignore` is reported with action `ignored`.
 */
export function detectDrift(input: DetectDriftInput): DriftReport | undefined {
  const { baseline, live, ref } = input;
  const manager = input.manager ?? DEFAULT_DRIFT_MANAGER;
  const action = optedOut(live ?? baseline) ? 'ignored' : 'heal';
  if (live === undefined || gone(baseline, live)) return { ref, kind: 'deleted', fields: [], action };
  if (wroteSince(baseline, live, manager)) return undefined;
  const counted = driftedFields(baseline, live, manager).filter(
    (field) => !ignoredBy(input.ignore, ref, field.path),
  );
  const fields = outermost(counted);
  return fields.length === 0 ? undefined : { ref, kind: 'changed', fields, action };
}
