// What drift detection reports: which object drifted, how, which of Ferry's fields moved and who moved
// them. Paths are the readable field paths of fields.ts; a report never carries a field's value.
import type { ObjectRef } from '@ferry/shared';

/** The field manager Ferry applies with (the engine's FIELD_MANAGER). */
export const DEFAULT_DRIFT_MANAGER = 'ferry';

/** `ferry.dev/drift: ignore` on an object: its drift is still reported, but as `ignored`, never healed. */
export const DRIFT_ANNOTATION = 'ferry.dev/drift';
export const DRIFT_OPT_OUT = 'ignore';

export const DRIFT_KINDS = ['deleted', 'changed'] as const;
/** `deleted`: the object is gone (or was deleted and made again by someone else); `changed`: fields moved. */
export type DriftKind = (typeof DRIFT_KINDS)[number];

export const DRIFT_ACTIONS = ['heal', 'ignored'] as const;
/** `ignored` when the object opts out with DRIFT_ANNOTATION; what `heal` leads to is the caller's mode. */
export type DriftAction = (typeof DRIFT_ACTIONS)[number];

export const FIELD_CHANGES = ['changed', 'removed', 'unrecorded'] as const;
/**
 * How one of Ferry's fields drifted:
 * - `changed`: another manager changed it, so the field is in that manager's set now (`managers`);
 * - `removed`: it is gone from the object, and from every manager's set;
 * - `unrecorded`: Ferry still owns it, but its value is not the one Ferry left. On Kubernetes 1.20 a
 *   write through the /scale subresource (kubectl scale, a HorizontalPodAutoscaler) changes
 *   spec.replicas without recording any manager; `managers` is empty.
 */
export type FieldChange = (typeof FIELD_CHANGES)[number];

export interface DriftedField {
  /** A field path as fieldPaths() writes it: `/spec/template/spec/containers[name=app]/image`. */
  readonly path: string;
  readonly change: FieldChange;
  /** The managers whose set holds the field now, sorted; empty when removed or unrecorded. */
  readonly managers: readonly string[];
}

export interface DriftReport {
  readonly ref: ObjectRef;
  readonly kind: DriftKind;
  /** Sorted by path; empty when deleted. A field is left out when an ancestor in the list says the same. */
  readonly fields: readonly DriftedField[];
  readonly action: DriftAction;
}
