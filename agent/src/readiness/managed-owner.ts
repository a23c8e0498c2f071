// Ownership through ownerReferences, transitively: a Pod owned by a ReplicaSet owned by a Deployment that
// Git describes is made by Kubernetes from Git's Deployment. Owners are found by UID among the listed
// objects; an owner that was not listed (cluster-scoped, or of a kind the agent may not list) still
// counts when the inventory names it (by kind and name, in the object's namespace or cluster-wide).
import { parseApiVersion, refKey, type ObjectRef } from '@ferry/shared';
import type { ListedObject, OwnerReference } from './types.ts';

/** One object, as listed under each kind that serves it (Ingress in two groups on 1.20: one UID). */
export interface SeenObject {
  readonly object: ListedObject;
  readonly refs: readonly ObjectRef[];
}

export interface OwnershipIndex {
  /** The object is in the inventory (under any of its refs). */
  isManaged(seen: SeenObject): boolean;
  /** Some chain of owners leads to an object in the inventory. */
  ownedByManaged(seen: SeenObject): boolean;
  /** One of the object's owners, directly, is a managed object of `kind` (any group). */
  directlyOwnedByManaged(seen: SeenObject, kind: string): boolean;
}

export function ownershipIndex(seen: readonly SeenObject[], managed: ReadonlySet<string>): OwnershipIndex {
  const byUid = new Map<string, SeenObject>();
  for (const item of seen) {
    const uid = item.object.metadata.uid;
    if (uid !== undefined && uid !== '') byUid.set(uid, item);
  }
  const isManaged = (item: SeenObject): boolean => item.refs.some((ref) => managed.has(refKey(ref)));
  const ownerManaged = (item: SeenObject, owner: OwnerReference): boolean => {
    const { group, version } = parseApiVersion(owner.apiVersion);
    const namespace = item.object.metadata.namespace ?? '';
    const ref = { group, version, kind: owner.kind, name: owner.name };
    return managed.has(refKey({ ...ref, namespace })) || managed.has(refKey({ ...ref, namespace: '' }));
  };
  const memo = new Map<SeenObject, boolean>();
  const ownedByManaged = (item: SeenObject, visiting: Set<SeenObject>): boolean => {
    const known = memo.get(item);
    if (known !== undefined) return known;
    if (visiting.has(item)) return false;
    visiting.add(item);
    const owned = (item.object.metadata.ownerReferences ?? []).some((owner) => {
      if (ownerManaged(item, owner)) return true;
      const found = byUid.get(owner.uid);
      return found !== undefined && (isManaged(found) || ownedByManaged(found, visiting));
    });
    visiting.delete(item);
    memo.set(item, owned);
    return owned;
  };
  return {
    isManaged,
    ownedByManaged: (item) => ownedByManaged(item, new Set()),
    directlyOwnedByManaged: (item, kind) =>
      (item.object.metadata.ownerReferences ?? []).some((owner) => {
        if (owner.kind !== kind) return false;
        const found = byUid.get(owner.uid);
        return ownerManaged(item, owner) || (found !== undefined && isManaged(found));
      }),
  };
}
