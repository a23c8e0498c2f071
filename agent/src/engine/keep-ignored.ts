// Fields an ignore rule (spec.drift.ignore) leaves to others keep their live value when Ferry applies an
// object that exists: Git's value is not set back, so an autoscaler's spec.replicas is not fought over,
// and the field is not dropped from the apply either (which would reset it to its default). A new object
// is created with every field Git gives it. Pointers are those of drift/ignore.ts: `/spec/replicas`,
// `/metadata/annotations/a~1b`, `/spec/template/spec/containers[name=app]/image`.
import type { ObjectRef } from '@ferry/shared';
import { selects } from '../drift/index.ts';
import type { IgnoreRule } from '../gitsync/types.ts';
import type { KubeObject } from '../kube/index.ts';

type Step =
  | { readonly key: string }
  | { readonly match: Readonly<Record<string, string>> }
  | { readonly index: number };

/** `containers[name=app]` → key containers, then the item whose name is app; `0` → index 0. */
export function pointerSteps(pointer: string): Step[] {
  const steps: Step[] = [];
  for (const raw of pointer.split('/').slice(1)) {
    const bracket = raw.indexOf('[');
    const name = (bracket === -1 ? raw : raw.slice(0, bracket)).replaceAll('~1', '/').replaceAll('~0', '~');
    if (name !== '') steps.push(/^\d+$/.test(name) ? { index: Number(name) } : { key: name });
    if (bracket === -1) continue;
    const match: Record<string, string> = {};
    for (const pair of raw.slice(bracket + 1, raw.lastIndexOf(']')).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) match[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    }
    steps.push({ match });
  }
  return steps;
}

const ABSENT = Symbol('absent');
type Found = unknown;

function position(list: readonly unknown[], step: Step): number {
  if ('index' in step) return step.index < list.length ? step.index : -1;
  if ('match' in step)
    return list.findIndex((item: unknown) =>
      Object.entries(step.match).every(
        ([k, v]) => String((item as Record<string, unknown> | null)?.[k]) === v,
      ),
    );
  return -1;
}

function valueAt(node: unknown, steps: readonly Step[]): Found {
  let current: unknown = node;
  for (const step of steps) {
    if (Array.isArray(current)) {
      const at = position(current, step);
      if (at < 0) return ABSENT;
      current = current[at];
    } else if (typeof current === 'object' && current !== null && 'key' in step && step.key in current) {
      current = (current as Record<string, unknown>)[step.key];
    } else return ABSENT;
  }
  return current;
}

/** `node` with the value at `steps` replaced by `value`, or removed when `value` is ABSENT. */
function setAt(node: unknown, steps: readonly Step[], value: Found): unknown {
  const [step, ...rest] = steps;
  if (step === undefined) return node;
  if (Array.isArray(node)) {
    const at = position(node, step);
    if (at < 0) return node;
    if (rest.length === 0)
      return value === ABSENT
        ? node.filter((_, i) => i !== at)
        : node.map((item: unknown, i) => (i === at ? value : item));
    return node.map((item: unknown, i) => (i === at ? setAt(item, rest, value) : item));
  }
  if (typeof node !== 'object' || node === null || !('key' in step) || !(step.key in node)) return node;
  const record = node as Record<string, unknown>;
  if (rest.length === 0) {
    if (value !== ABSENT) return { ...record, [step.key]: value };
    return Object.fromEntries(Object.entries(record).filter(([k]) => k !== step.key));
  }
  return { ...record, [step.key]: setAt(record[step.key], rest, value) };
}

const PROTECTED = ['/apiVersion', '/kind', '/metadata', '/metadata/name', '/metadata/namespace'];

/** The manifest with the live value (or none) at every field the rules that select `ref` ignore. */
export function keepIgnored(
  manifest: KubeObject,
  live: KubeObject,
  ref: ObjectRef,
  rules: readonly IgnoreRule[],
): KubeObject {
  let result = manifest;
  for (const rule of rules) {
    if (!selects(rule, ref)) continue;
    for (const pointer of rule.pointers) {
      if (PROTECTED.includes(pointer)) continue;
      const steps = pointerSteps(pointer);
      if (valueAt(result, steps) === ABSENT) continue; // Git does not set it: nothing to keep
      result = setAt(result, steps, valueAt(live, steps)) as KubeObject;
    }
  }
  return result;
}
