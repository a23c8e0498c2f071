// The fields a manager owns, read from managedFields' fieldsV1 trees (the structured-merge-diff format)
// and written as readable paths, JSON pointers with list items by key:
//   f:name              /name     (JSON pointer escaping: `~` is `~0`, `/` is `~1`)
//   k:{"name":"app"}    [name=app]                   several keys: [containerPort=80,protocol=TCP]
//   v:"x"               [="x"]    (a member of a set list, as the exact JSON fieldsV1 gives)
//   i:3                 /3
// A key value is written bare when it is a string without `,`, `=`, `[`, `]` or `"`, else as JSON. A
// node that maps to `{}` is in the set, and so is a node marked with `.` ("the field itself"), as in
// `k:{"name":"app"}: {".": {}, "f:image": {}}` (the list item and its image are both owned).
import type { KubeObject } from '../kube/types.ts';

export type FieldSegment =
  | { readonly type: 'field'; readonly name: string }
  | { readonly type: 'key'; readonly keys: Readonly<Record<string, unknown>> }
  | { readonly type: 'value'; readonly value: unknown }
  | { readonly type: 'index'; readonly index: number };

export interface FieldNode {
  readonly path: string;
  readonly segments: readonly FieldSegment[];
  /** No owned field below it: its whole value is the manager's (a scalar, or an atomic map or list). */
  readonly leaf: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const BARE = /^[^,=[\]"]+$/;

function keyValue(value: unknown): string {
  return typeof value === 'string' && BARE.test(value) ? value : JSON.stringify(value);
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** One fieldsV1 key as a segment; unknown forms are kept as a field of that name. */
function segmentOf(key: string): FieldSegment {
  const body = key.slice(2);
  if (key.startsWith('f:')) return { type: 'field', name: body };
  if (key.startsWith('i:') && /^\d+$/.test(body)) return { type: 'index', index: Number(body) };
  const json = key.startsWith('k:') || key.startsWith('v:') ? parseJson(body) : undefined;
  if (key.startsWith('k:') && json !== undefined && isObject(json.value))
    return { type: 'key', keys: json.value };
  if (key.startsWith('v:') && json !== undefined) return { type: 'value', value: json.value };
  return { type: 'field', name: key };
}

export function formatSegment(segment: FieldSegment): string {
  switch (segment.type) {
    case 'field':
      return `/${segment.name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    case 'key':
      return `[${Object.entries(segment.keys)
        .map(([name, value]) => `${name}=${keyValue(value)}`)
        .join(',')}]`;
    case 'value':
      return `[=${JSON.stringify(segment.value)}]`;
    case 'index':
      return `/${segment.index}`;
  }
}

function collect(tree: Record<string, unknown>, segments: FieldSegment[], path: string, out: FieldNode[]) {
  const children = Object.keys(tree).filter((key) => key !== '.');
  if (segments.length > 0 && (children.length === 0 || '.' in tree)) {
    out.push({ path, segments, leaf: children.length === 0 });
  }
  for (const key of children) {
    const segment = segmentOf(key);
    const child = tree[key];
    collect(isObject(child) ? child : {}, [...segments, segment], path + formatSegment(segment), out);
  }
}

/** Every node of a fieldsV1 tree that is in the set, with its path and segments. */
export function fieldNodes(fieldsV1: Readonly<Record<string, unknown>> | undefined): FieldNode[] {
  const out: FieldNode[] = [];
  collect(fieldsV1 ?? {}, [], '', out);
  return out;
}

/** The paths of a fieldsV1 tree (see the header for the format). */
export function fieldPaths(fieldsV1: Readonly<Record<string, unknown>> | undefined): string[] {
  return fieldNodes(fieldsV1).map((node) => node.path);
}

const isStatus = (node: FieldNode): boolean => {
  const first = node.segments[0];
  return first?.type === 'field' && first.name === 'status';
};

/**
 * The fields one manager owns through any of its entries (Apply and Update), by path, leaving out
 * status: on Kubernetes 1.20 entries have no `subresource`, so status writes cannot be told apart.
 */
export function ownedNodes(object: KubeObject, manager: string): Map<string, FieldNode> {
  const owned = new Map<string, FieldNode>();
  for (const entry of object.metadata.managedFields ?? []) {
    if (entry.manager !== manager) continue;
    for (const node of fieldNodes(entry.fieldsV1)) {
      if (isStatus(node)) continue;
      // Owned whole through one entry and in parts through another: compared whole.
      const leaf = node.leaf || owned.get(node.path)?.leaf === true;
      owned.set(node.path, { ...node, leaf });
    }
  }
  return owned;
}

/** The paths one manager owns, status left out (see ownedNodes). */
export function ownedBy(object: KubeObject, manager: string): Set<string> {
  return new Set(ownedNodes(object, manager).keys());
}
