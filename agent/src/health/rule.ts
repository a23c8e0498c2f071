// What a per-kind health rule is, and the small readers every rule shares. A live object is plain JSON
// whose status may be missing, partial or of an unexpected shape: readers answer undefined (or an empty
// list) rather than throw, so a rule is a short ladder of checks on plain values.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';

/** Judges one live object of the kind it is registered for. Pure: no I/O, no clock, never throws. */
export type HealthRule = (object: KubeObject) => Health;

/** A `status.conditions` entry, with missing fields read as ''. */
export interface Condition {
  readonly type: string;
  /** 'True', 'False' or 'Unknown' (also when missing). */
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export function current(message: string): Health {
  return { status: 'Current', message };
}

export function inProgress(message: string): Health {
  return { status: 'InProgress', message };
}

export function failed(message: string): Health {
  return { status: 'Failed', message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of keys, or undefined when a step is missing or not an object. */
export function valueAt(value: unknown, ...keys: readonly string[]): unknown {
  let found = value;
  for (const key of keys) {
    if (!isRecord(found)) return undefined;
    found = found[key];
  }
  return found;
}

export function numberAt(value: unknown, ...keys: readonly string[]): number | undefined {
  const found = valueAt(value, ...keys);
  return typeof found === 'number' ? found : undefined;
}

/** A string at the path; '' counts as missing, as it does for Kubernetes. */
export function stringAt(value: unknown, ...keys: readonly string[]): string | undefined {
  const found = valueAt(value, ...keys);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

export function listAt(value: unknown, ...keys: readonly string[]): readonly unknown[] {
  const found = valueAt(value, ...keys);
  return Array.isArray(found) ? (found as unknown[]) : [];
}

export function conditionsOf(object: KubeObject): Condition[] {
  return listAt(object, 'status', 'conditions').flatMap((entry) => {
    const type = stringAt(entry, 'type');
    if (type === undefined) return [];
    return [
      {
        type,
        status: stringAt(entry, 'status') ?? 'Unknown',
        reason: stringAt(entry, 'reason') ?? '',
        message: stringAt(entry, 'message') ?? '',
      },
    ];
  });
}

export function conditionOf(object: KubeObject, type: string): Condition | undefined {
  return conditionsOf(object).find((condition) => condition.type === type);
}

/** `Reason: message`, leaving out whichever is empty; `fallback` when both are. */
export function describeCondition(condition: Condition, fallback: string = condition.type): string {
  const parts = [condition.reason, condition.message].filter((part) => part !== '');
  return parts.length === 0 ? fallback : parts.join(': ');
}

/** `1 replica`, `3 replicas`, `0 pods`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
