// Which manager lost which field to Ferry's forced apply: compare each other manager's field set
// before and after. Field paths are read from managedFields' fieldsV1 (`f:data` → `data`).

type FieldsV1 = Record<string, unknown>;

function flatten(fields: FieldsV1 | undefined, prefix = ''): string[] {
  if (fields === undefined) return [];
  const paths: string[] = [];
  for (const [key, child] of Object.entries(fields)) {
    if (key === '.') continue;
    const name = key.startsWith('f:')
      ? key.slice(2)
      : key.startsWith('k:') || key.startsWith('v:') || key.startsWith('i:')
        ? `[${key.slice(2)}]`
        : key;
    const path = prefix === '' ? name : name.startsWith('[') ? `${prefix}${name}` : `${prefix}.${name}`;
    const nested =
      typeof child === 'object' && child !== null ? Object.keys(child).filter((k) => k !== '.') : [];
    if (nested.length === 0) paths.push(path);
    else paths.push(...flatten(child as FieldsV1, path));
  }
  return paths;
}

interface Entry {
  readonly manager?: string;
  readonly operation?: string;
  readonly fieldsV1?: FieldsV1;
}

function byManager(entries: readonly Entry[] | undefined, self: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const entry of entries ?? []) {
    const manager = entry.manager ?? '';
    if (manager === self) continue;
    const set = out.get(manager) ?? new Set<string>();
    for (const path of flatten(entry.fieldsV1)) set.add(path);
    out.set(manager, set);
  }
  return out;
}

export function takenFields(
  before: readonly Entry[] | undefined,
  after: readonly Entry[] | undefined,
  self: string,
): Record<string, string[]> | undefined {
  const previous = byManager(before, self);
  const now = byManager(after, self);
  const taken: Record<string, string[]> = {};
  for (const [manager, fields] of previous) {
    const kept = now.get(manager) ?? new Set<string>();
    const lost = [...fields].filter((field) => !kept.has(field)).sort();
    if (lost.length > 0) taken[manager] = lost;
  }
  return Object.keys(taken).length > 0 ? taken : undefined;
}
