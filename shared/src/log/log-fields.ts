// What a log field becomes in JSON: secrets redacted by key (and from URLs), errors as
// {message, code?, cause?} down a bounded cause chain, cycles and depth bounded, bytes never written.

/** A key that names a secret: its value is never written, whatever it is. */
export const REDACTED_KEY = /password|token|secret|credential|authorization/i;
export const REDACTED = '[redacted]';

/** How many causes deep an error is written. */
export const MAX_CAUSES = 5;
/** How many objects deep a field is written. */
export const MAX_DEPTH = 8;

/** `https://user:password@host` → `https://user:[redacted]@host` (Git URLs may carry a token). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** All fields, ready for JSON.stringify; a field whose value has no JSON form is left out. */
export function toLogFields(fields: Readonly<Record<string, unknown>>): Record<string, Json> {
  return toObject(fields, 0, new WeakSet());
}

/** An error as it is logged. */
export function toLogError(error: Error): Record<string, Json> {
  return errorFields(error, 0, new WeakSet());
}

function toObject(object: object, depth: number, seen: WeakSet<object>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(object)) {
    const json = REDACTED_KEY.test(key) ? REDACTED : toJson(value, depth, seen);
    if (json !== undefined) out[key] = json;
  }
  return out;
}

function toJson(value: unknown, depth: number, seen: WeakSet<object>): Json | undefined {
  switch (typeof value) {
    case 'string':
      return value.replace(URL_PASSWORD, `$1:${REDACTED}@`);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : objectToJson(value, depth, seen);
    default:
      return undefined; // undefined, functions and symbols have no JSON form
  }
}

function objectToJson(value: object, depth: number, seen: WeakSet<object>): Json {
  if (value instanceof Error) return errorFields(value, 0, seen);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => toJson(item, depth + 1, seen) ?? null);
    if (value instanceof Map) {
      const entries = [...(value as Map<unknown, unknown>)].map(
        ([key, item]) => [String(key), item] as const,
      );
      return toObject(Object.fromEntries(entries), depth + 1, seen);
    }
    if (value instanceof Set) return toJson([...value], depth, seen) ?? null;
    return toObject(value, depth + 1, seen);
  } finally {
    seen.delete(value);
  }
}

/** {message, code?, cause?}: only these, so what else an error carries (a request, headers) stays out. */
function errorFields(error: Error, causes: number, seen: WeakSet<object>): Record<string, Json> {
  const out: Record<string, Json> = { message: toJson(error.message, 0, seen) ?? '' };
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const { cause } = error;
  if (cause === undefined) return out;
  if (causes >= MAX_CAUSES || seen.has(error)) {
    out.cause = '[more causes]';
    return out;
  }
  seen.add(error);
  try {
    out.cause =
      cause instanceof Error ? errorFields(cause, causes + 1, seen) : (toJson(cause, 0, seen) ?? null);
  } finally {
    seen.delete(error);
  }
  return out;
}
