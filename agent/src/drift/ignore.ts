// Which drifted fields do not count. An ignore rule (spec.drift.ignore) selects objects by group, kind,
// namespace and name (each absent means any; group '' is the core group, namespace '' cluster-scoped
// objects) and names fields by JSON pointer. A pointer covers the field it names and everything under
// it: `/spec/replicas`, `/spec/template` (all of the pod template), `/metadata/annotations/ferry.dev~1digest`.
// Pointers are matched against fields.ts paths, so a pointer into a list of items with keys names the
// item by its keys (`/spec/template/spec/containers[name=app]/image`); a position (`/containers/0`)
// matches only in lists that managedFields itself indexes by position.
// parseIgnoreRules checks rules as a GitSync's spec gives them, naming the field that is wrong:
// `spec.drift.ignore[1].pointers[0]: must start with "/"`.
import type { ObjectRef } from '@ferry/shared';
import type { IgnoreRule } from '../gitsync/types.ts';

const SELECTOR_FIELDS = ['group', 'kind', 'namespace', 'name'] as const;
const RULE_FIELDS: readonly string[] = ['pointers', ...SELECTOR_FIELDS];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with a pointer, or undefined when it is fine. */
export function pointerProblem(pointer: string): string | undefined {
  if (!pointer.startsWith('/')) return 'must start with "/"';
  if (pointer.endsWith('/')) return 'must not end with "/"';
  if (pointer.includes('//')) return 'must not have an empty segment ("//")';
  if (/~(?![01])/.test(pointer)) return 'has a "~" not followed by 0 or 1 (write "~" as ~0 and "/" as ~1)';
  let open = false;
  for (const char of pointer) {
    if (char === '[' && open) return 'has "[" inside a list item selector';
    if (char === ']' && !open) return 'has "]" without "["';
    if (char === '[' || char === ']') open = char === '[';
  }
  return open ? 'has "[" without "]"' : undefined;
}

function parseRule(value: unknown, where: string): IgnoreRule {
  if (!isObject(value))
    throw new Error(`${where}: must be a map with pointers and optional ${SELECTOR_FIELDS.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!RULE_FIELDS.includes(key))
      throw new Error(`${where}.${key}: unknown field (known: ${RULE_FIELDS.join(', ')})`);
  }
  const pointers = value.pointers;
  if (!Array.isArray(pointers) || pointers.length === 0) {
    throw new Error(`${where}.pointers: must be a non-empty list of JSON pointers`);
  }
  const checked = pointers.map((pointer: unknown, index) => {
    const at = `${where}.pointers[${index}]`;
    if (typeof pointer !== 'string') throw new Error(`${at}: must be a string`);
    const problem = pointerProblem(pointer);
    if (problem !== undefined) throw new Error(`${at}: ${problem}`);
    return pointer;
  });
  const selector: Partial<Record<(typeof SELECTOR_FIELDS)[number], string>> = {};
  for (const field of SELECTOR_FIELDS) {
    const given = value[field];
    if (given === undefined || given === null) continue;
    if (typeof given !== 'string') throw new Error(`${where}.${field}: must be a string`);
    if (given === '' && (field === 'kind' || field === 'name'))
      throw new Error(`${where}.${field}: must not be empty`);
    selector[field] = given;
  }
  return { pointers: checked, ...selector };
}

/** The rules in `value` (absent means none), or an Error naming the first bad field under `where`. */
export function parseIgnoreRules(value: unknown, where: string): IgnoreRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: must be a list of rules`);
  return value.map((rule: unknown, index) => parseRule(rule, `${where}[${index}]`));
}

/** The rule's selector fields that are set all equal the object's. */
export function selects(rule: IgnoreRule, ref: ObjectRef): boolean {
  return (
    (rule.group === undefined || rule.group === ref.group) &&
    (rule.kind === undefined || rule.kind === ref.kind) &&
    (rule.namespace === undefined || rule.namespace === ref.namespace) &&
    (rule.name === undefined || rule.name === ref.name)
  );
}

/** The path is the pointer's field or lies under it (a child field or a list item). */
export function covers(pointer: string, path: string): boolean {
  if (!path.startsWith(pointer)) return false;
  const next = path.charAt(pointer.length);
  return next === '' || next === '/' || next === '[';
}

/** Some rule selecting the object has a pointer covering the path. */
export function ignoredBy(rules: readonly IgnoreRule[], ref: ObjectRef, path: string): boolean {
  return rules.some((rule) => selects(rule, ref) && rule.pointers.some((pointer) => covers(pointer, path)));
}
