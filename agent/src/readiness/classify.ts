// What Git could rebuild of the managed namespaces, as data. Each listed object (one per UID: a kind
// served in two groups lists it twice) is, in this order:
//   1. rebuildable    the inventory names it: Git describes it;
//   2. data           a claim of a StatefulSet Git describes (statefulset-data.ts): Git cannot rebuild it;
//   3. left out       Kubernetes made it (kubernetes-made.ts): a rebuilt cluster makes it again;
//   4. not in Git     anything else.
// Kinds the agent could not list are reported as unknown, and nothing of theirs counts as rebuildable.
import { parseApiVersion, refKey, type ObjectRef } from '@ferry/shared';
import { madeByKubernetes, managedServices } from './kubernetes-made.ts';
import { ownershipIndex, type SeenObject } from './managed-owner.ts';
import { dataIndex } from './statefulset-data.ts';
import { REPORT_ITEM_LIMIT, type ListedObject, type ReadinessInput, type ReadinessReport } from './types.ts';

export function classifyReadiness(input: ReadinessInput): ReadinessReport {
  const namespaces = [...new Set(input.namespaces)].sort();
  const inNamespaces = new Set(namespaces);
  const seen = distinct(input.listed.filter((o) => inNamespaces.has(o.metadata.namespace ?? '')));
  const managed = new Set(input.managed.map(refKey));
  const ownership = ownershipIndex(seen, managed);
  const data = dataIndex(input.claimTemplates, ownership);
  const context = { ownership, managedServices: managedServices(input.managed) };

  let rebuildable = 0;
  const notInGit: ObjectRef[] = [];
  const volumes: ObjectRef[] = [];
  for (const item of seen) {
    if (ownership.isManaged(item)) rebuildable++;
    else if (data.isData(item)) volumes.push(shown(item));
    else if (madeByKubernetes(item, context) === undefined) notInGit.push(shown(item));
  }
  return {
    scannedAt: input.scannedAt,
    namespaces,
    rebuildable,
    total: rebuildable + notInGit.length + volumes.length,
    notInGit: bounded(notInGit),
    data: bounded(volumes),
    unknownKinds: [...new Set(input.unknownKinds)].sort().slice(0, REPORT_ITEM_LIMIT),
  };
}

function refOfListed(object: ListedObject): ObjectRef {
  return {
    ...parseApiVersion(object.apiVersion),
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}

/** One entry per object: by UID, or by ref for an object listed without one. */
function distinct(listed: readonly ListedObject[]): SeenObject[] {
  const byKey = new Map<string, { object: ListedObject; refs: ObjectRef[] }>();
  for (const object of listed) {
    const ref = refOfListed(object);
    const key =
      object.metadata.uid !== undefined && object.metadata.uid !== '' ? object.metadata.uid : refKey(ref);
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { object, refs: [ref] });
    else if (!entry.refs.some((known) => refKey(known) === refKey(ref))) entry.refs.push(ref);
  }
  return [...byKey.values()];
}

/**
 * The ref a report shows for an object listed under several groups: not the deprecated `extensions`
 * group when another serves it, else the first by group name.
 */
function shown(item: SeenObject): ObjectRef {
  const rank = (ref: ObjectRef): string => `${ref.group === 'extensions' ? 1 : 0}${ref.group}`;
  let best = item.refs[0] as ObjectRef;
  for (const ref of item.refs) if (rank(ref) < rank(best)) best = ref;
  return best;
}

/** By namespace, then kind, group and name. */
function compareRefs(a: ObjectRef, b: ObjectRef): number {
  const order = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return (
    order(a.namespace, b.namespace) ||
    order(a.kind, b.kind) ||
    order(a.group, b.group) ||
    order(a.name, b.name)
  );
}

function bounded(refs: ObjectRef[]): { count: number; items: ObjectRef[] } {
  return { count: refs.length, items: refs.sort(compareRefs).slice(0, REPORT_ITEM_LIMIT) };
}
