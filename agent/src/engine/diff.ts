// A field-level diff between the live object and what applying would make of it (the dry-run
// result), for `sync --dry-run`. Server-maintained fields are left out, and a Secret's values are
// masked: the diff says that a key changes, never what it holds.
import type { KubeObject } from '../kube/index.ts';
import { DIGEST_ANNOTATION } from './digest.ts';

export interface FieldChange {
  /** `spec.replicas`, `data.key`, `spec.template.spec.containers[0].image` */
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
}

const IGNORED = new Set([
  'metadata.managedFields',
  'metadata.resourceVersion',
  'metadata.generation',
  'metadata.creationTimestamp',
  'metadata.uid',
  'metadata.selfLink',
  'status',
  // Ferry's own bookkeeping changes with every manifest change; it says nothing to a reader.
  `metadata.annotations.${DIGEST_ANNOTATION}`,
]);
export const MASK = '<masked>';

function walk(from: unknown, to: unknown, path: string, out: FieldChange[]): void {
  if (IGNORED.has(path)) return;
  if (
    typeof from === 'object' &&
    from !== null &&
    typeof to === 'object' &&
    to !== null &&
    Array.isArray(from) === Array.isArray(to)
  ) {
    if (Array.isArray(from) && Array.isArray(to)) {
      for (let i = 0; i < Math.max(from.length, to.length); i++) walk(from[i], to[i], `${path}[${i}]`, out);
      return;
    }
    const a = from as Record<string, unknown>;
    const b = to as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(a[key], b[key], path === '' ? key : `${path}.${key}`, out);
    }
    return;
  }
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  out.push({ path, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
}

export function fieldDiff(live: KubeObject | undefined, planned: KubeObject): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(live ?? {}, planned, '', changes);
  if (planned.kind !== 'Secret' || planned.apiVersion !== 'v1') return changes;
  return changes.map((change) =>
    /^(data|stringData)\./.test(change.path)
      ? {
          path: change.path,
          ...('from' in change ? { from: MASK } : {}),
          ...('to' in change ? { to: MASK } : {}),
        }
      : change,
  );
}
