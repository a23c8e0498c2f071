// The live objects Ferry owns, read with one list per kind (by the ownership labels) instead of one
// GET per object. Objects not found there (not Ferry's yet: new, or to be adopted) are read one by one.
import { refKey, type ObjectRef } from '@ferry/shared';
import { mapLimit } from '../concurrency.ts';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, type SyncIdentity } from '../inventory/types.ts';
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
): Promise<LiveIndex> {
  const selector = `${OWNER_NAMESPACE_LABEL}=${owner.namespace},${OWNER_NAME_LABEL}=${owner.name}`;
  const unique = [
    ...new Map(kinds.map((info) => [`${info.group}/${info.version}/${info.kind}`, info])).values(),
  ];
  const owned = new Map<string, KubeObject>();
  const lists = await mapLimit(unique, concurrency, (info) => kube.list(info, { labelSelector: selector }));
  for (const object of lists.flat()) owned.set(refKey(refOf(object)), object);
  return {
    get: async (ref) => owned.get(refKey(ref)) ?? (absent(ref) ? undefined : await kube.get(ref)),
  };
}
