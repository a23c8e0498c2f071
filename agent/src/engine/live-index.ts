// The live objects Ferry owns, for a sync's plan and health check. Objects the agent's drift watches
// already hold (`known`: kept current by their events) are not read again; a kind with objects the
// watches cannot vouch for is read with one list per kind (by the ownership labels; per namespace under
// the namespace-scoped RBAC profile) instead of one GET per object, or object by object when only a few
// of its objects are missing from the watches. Objects not found there (not Ferry's yet: new, or to be
// adopted) are read one by one.
import { refKey, type ObjectRef } from '@ferry/shared';
import { mapLimit } from '../concurrency.ts';
import { ownerSelector, type SyncIdentity } from '../inventory/types.ts';
import { refOf, type KubeApi, type KubeObject, type ResourceInfo } from '../kube/index.ts';

export interface LiveIndex {
  /** The live object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
}

/** Live objects someone else keeps current (the agent's drift watches). */
export interface KnownLive {
  /** The object as last seen; undefined when this source cannot vouch for it (it is then read). */
  get(ref: ObjectRef): KubeObject | undefined;
}

export interface IndexScope {
  readonly owner: SyncIdentity;
  readonly concurrency: number;
  /**
   * Objects that cannot exist yet, answered without asking: their namespace or their kind (a CRD of
   * this revision) did not exist when the sync began.
   */
  readonly absent?: (ref: ObjectRef) => boolean;
  /** Namespace-scoped RBAC: list namespaced kinds in these namespaces only. Empty: cluster-wide. */
  readonly namespaces?: readonly string[];
  readonly known?: KnownLive;
}

/** A kind with at most this many objects the watches do not know is read object by object, not listed. */
const FEW_UNKNOWN = 4;

export interface WantedObject {
  readonly ref: ObjectRef;
  readonly info: ResourceInfo;
}

export async function indexOwned(
  kube: KubeApi,
  wanted: readonly WantedObject[],
  scope: IndexScope,
): Promise<LiveIndex> {
  const absent = scope.absent ?? ((): boolean => false);
  const known = scope.known;
  const byKind = new Map<string, { info: ResourceInfo; known: number; unknown: number }>();
  for (const { ref, info } of wanted) {
    const key = `${info.group}/${info.version}/${info.kind}`;
    const kind = byKind.get(key) ?? { info, known: 0, unknown: 0 };
    if (known?.get(ref) !== undefined) kind.known++;
    else if (!absent(ref)) kind.unknown++;
    byKind.set(key, kind);
  }
  // A kind is listed unless the watches know all of its objects, or all but a few.
  const listed = [...byKind.values()]
    .filter((kind) => kind.unknown > (kind.known > 0 ? FEW_UNKNOWN : 0))
    .map((kind) => kind.info);
  const namespaces = scope.namespaces ?? [];
  const scopes = listed.flatMap((info): { info: ResourceInfo; namespace: string | undefined }[] =>
    info.namespaced && namespaces.length > 0
      ? namespaces.map((namespace) => ({ info, namespace }))
      : [{ info, namespace: undefined }],
  );
  const selector = ownerSelector(scope.owner);
  const lists = await mapLimit(scopes, scope.concurrency, ({ info, namespace }) =>
    kube.list(info, { labelSelector: selector, ...(namespace !== undefined ? { namespace } : {}) }),
  );
  const owned = new Map<string, KubeObject>();
  for (const object of lists.flat()) owned.set(refKey(refOf(object)), object);
  const listedKinds = new Set(listed.map((info) => `${info.group}/${info.version}/${info.kind}`));
  return {
    get: async (ref) => {
      // A listed kind: the list is newer than what the watches hold.
      const fromList = listedKinds.has(`${ref.group}/${ref.version}/${ref.kind}`);
      const live = fromList ? owned.get(refKey(ref)) : known?.get(ref);
      return live ?? (absent(ref) ? undefined : await kube.get(ref));
    },
  };
}
