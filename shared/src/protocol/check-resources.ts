// A hand-written check of ResourceSummary values, for the hub's hot path: a snapshot carries hundreds of
// them, and zod copies every object it validates. It accepts exactly what `resourceSummarySchema`
// (common-schemas.ts) accepts, reading the same bounds and vocabularies, and returns the values
// themselves when they pass. It says only yes or no: a refused frame is read again by zod, whose
// issues name the field at fault. check-resources.test.ts holds the table below against the schema;
// resource-fast-path.test.ts compares the two on thousands of mutated values.
import { HEALTH_STATUSES } from '../health.ts';
import type { ResourceSummary } from './common-schemas.ts';
import { BOUNDS, OBJECT_ACTIONS } from './vocabulary.ts';

/** The bounds of one string field, in code points as zod counts them: `[min, max]`. */
export type LengthBounds = readonly [min: number, max: number];

/** The ObjectRef's fields (objectRefSchema), every one a required string. */
export const REF_FIELD_BOUNDS = {
  group: [0, BOUNDS.refLong],
  version: [1, BOUNDS.refShort],
  kind: [1, BOUNDS.refShort],
  namespace: [0, BOUNDS.refShort],
  name: [1, BOUNDS.refLong],
} as const satisfies Record<string, LengthBounds>;

/** healthMessage, the one optional string of a summary. */
export const HEALTH_MESSAGE_BOUNDS = [0, BOUNDS.healthMessage] as const satisfies LengthBounds;

/** Every key a summary may have; `ref`, `health` and `drifted` are required. */
export const SUMMARY_KEYS = ['ref', 'health', 'healthMessage', 'lastAction', 'drifted'] as const;

export type ResourcesCheck =
  | { readonly ok: true; readonly resources: ResourceSummary[] }
  /** `index` is the first item refused. */
  | { readonly ok: false; readonly index: number };

const healthStatuses: ReadonlySet<unknown> = new Set(HEALTH_STATUSES);
const objectActions: ReadonlySet<unknown> = new Set(OBJECT_ACTIONS);

/** The same array, typed, when every item is a valid ResourceSummary; else the first bad item's index. */
export function checkResources(items: unknown[]): ResourcesCheck {
  for (let index = 0; index < items.length; index++) {
    if (!isResourceSummary(items[index])) return { ok: false, index };
  }
  return { ok: true, resources: items as ResourceSummary[] };
}

/** True when resourceSummarySchema accepts `value` (a JSON value) and would return a deep copy of it. */
export function isResourceSummary(value: unknown): value is ResourceSummary {
  if (!isPlainObject(value)) return false;
  // Strict: an unknown key (`__proto__` and `constructor` included, as own keys of parsed JSON) refuses.
  for (const key in value) {
    if (
      key !== 'ref' &&
      key !== 'health' &&
      key !== 'drifted' &&
      key !== 'healthMessage' &&
      key !== 'lastAction'
    ) {
      return false;
    }
  }
  const summary = value as Record<string, unknown>;
  if (!isObjectRef(summary.ref)) return false;
  if (!healthStatuses.has(summary.health)) return false;
  if (typeof summary.drifted !== 'boolean') return false;
  // Optional: absent is fine; present, even as null, must be valid (JSON has no undefined).
  const message = summary.healthMessage;
  if (message !== undefined && !isBoundedString(message, HEALTH_MESSAGE_BOUNDS)) return false;
  const action = summary.lastAction;
  return action === undefined || objectActions.has(action);
}

function isObjectRef(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (key !== 'group' && key !== 'version' && key !== 'kind' && key !== 'namespace' && key !== 'name') {
      return false;
    }
  }
  const ref = value as Record<string, unknown>;
  return (
    isBoundedString(ref.group, REF_FIELD_BOUNDS.group) &&
    isBoundedString(ref.version, REF_FIELD_BOUNDS.version) &&
    isBoundedString(ref.kind, REF_FIELD_BOUNDS.kind) &&
    isBoundedString(ref.namespace, REF_FIELD_BOUNDS.namespace) &&
    isBoundedString(ref.name, REF_FIELD_BOUNDS.name)
  );
}

/** zod's object test: an object, not null, not an array. */
function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A string of `min` to `max` code points. zod 4 counts a surrogate pair as one and a lone surrogate as
 * one; counting UTF-16 units is enough when they already fit (a code point is one or two units).
 */
function isBoundedString(value: unknown, [min, max]: LengthBounds): boolean {
  if (typeof value !== 'string') return false;
  const units = value.length;
  if (units >= min && units <= max && (units >= 2 * min || min === 0)) return true;
  if (units < min) return false;
  const points = codePoints(value);
  return points >= min && points <= max;
}

function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}
