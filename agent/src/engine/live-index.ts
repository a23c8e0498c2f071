// The live objects Ferry owns, read with one list per kind (by the ownership labels; per namespace under
// the namespace-scoped RBAC profile) instead of one GET per object. Objects not found there (not Ferry's yet: new, or to be adopted) are read one by one.
import { refKey, type ObjectRef } from '@ferry/shared';
import { mapLimit } from '../concurrency.ts';
import { ownerSelector, type SyncIdentity } from '../inventory/types.ts';
import { refOf, type KubeApi, type KubeObject, type ResourceInfo } from '../kube/index.ts';

export interface LiveIndex {
  /** The live object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
}

/**
 * `absent` answers for objects that cannot exist yet without asking: their namespace or their kind
 * (a CRD of this revision) did not exist when the sync began.
 */
export async function indexOwned(
  kube: KubeApi,
  kinds: readonly ResourceInfo[],
  owner: SyncIdentity,
  concurrency: number,
  absent: (ref: ObjectRef) => boolean = () => false,
  /** Namespace-scoped RBAC: list namespaced kinds in these namespaces only. Empty: cluster-wide. */
  namespaces: readonly string[] = [],
): Promise<LiveIndex> {
  const selector = ownerSelector(owner);
  const unique = [
    ...new Map(kinds.map((info) => [`${info.group}/${info.version}/${info.kind}`, info])).values(),
  ];
  const owned = new Map<string, KubeObject>();
  const scopes = unique.flatMap((info): { info: ResourceInfo; namespace: string | undefined }[] =>
    info.namespaced && namespaces.length > 0
      ? namespaces.map((namespace) => ({ info, namespace }))
      : [{ info, namespace: undefined }],
  );
  const lists = await mapLimit(scopes, concurrency, ({ info, namespace }) =>
    kube.list(info, { labelSelector: selector, ...(namespace !== undefined ? { namespace } : {}) }),
  );
  for (const object of lists.flat()) owned.set(refKey(refOf(object)), object);
  return {
    get: async (ref) => owned.get(refKey(ref)) ?? (absent(ref) ? undefined : await kube.get(ref)),
  };
}
