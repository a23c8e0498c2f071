// The value at a field path of managedFields (fields.ts segments) in an object: a map entry, a list
// item found by its keys or by its value, or a list item by position.
import { isDeepStrictEqual } from 'node:util';
import type { FieldSegment } from './fields.ts';

/** Present (its value may be null) or absent (undefined). */
export type Found = { readonly value: unknown } | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function step(value: unknown, segment: FieldSegment): Found {
  switch (segment.type) {
    case 'field':
      return isObject(value) && Object.hasOwn(value, segment.name)
        ? { value: value[segment.name] }
        : undefined;
    case 'index':
      return Array.isArray(value) && segment.index < value.length
        ? { value: value[segment.index] }
        : undefined;
    case 'key': {
      if (!Array.isArray(value)) return undefined;
      const keys = Object.entries(segment.keys);
      const item: unknown = value.find(
        (candidate) =>
          isObject(candidate) && keys.every(([name, key]) => isDeepStrictEqual(candidate[name], key)),
      );
      return item === undefined ? undefined : { value: item };
    }
    case 'value': {
      if (!Array.isArray(value)) return undefined;
      return value.some((member) => isDeepStrictEqual(member, segment.value))
        ? { value: segment.value }
        : undefined;
    }
  }
}

/** The value at the segments, or undefined when some step is missing. */
export function valueAt(object: unknown, segments: readonly FieldSegment[]): Found {
  let found: Found = { value: object };
  for (const segment of segments) {
    if (found === undefined) return undefined;
    found = step(found.value, segment);
  }
  return found;
}

/** Both absent, or both present with deep-equal values. */
export function sameValue(a: Found, b: Found): boolean {
  if (a === undefined || b === undefined) return a === b;
  return isDeepStrictEqual(a.value, b.value);
}
