// Deleting what a prune plan allows, one object at a time, in its order. Each object is read again
// just before: it must still carry Ferry's ownership labels, and the delete names its uid as a
// precondition, so an object recreated by someone else in between is never deleted. What fails to
// delete stays in the inventory.
import { formatRef, type ObjectRef } from '@ferry/shared';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, type SyncIdentity } from '../inventory/types.ts';
import type { KubeApi } from '../kube/index.ts';
import type { ChangeSetEntry } from './types.ts';

export async function deleteObjects(
  kube: KubeApi,
  refs: readonly ObjectRef[],
  owner: SyncIdentity,
): Promise<{ entries: ChangeSetEntry[]; failed: ObjectRef[] }> {
  const entries: ChangeSetEntry[] = [];
  const failed: ObjectRef[] = [];
  for (const ref of refs) {
    try {
      const live = await kube.get(ref);
      const labels = live?.metadata.labels ?? {};
      if (live === undefined) {
        entries.push({ ref, action: 'deleted', message: 'already gone' });
      } else if (
        labels[OWNER_NAMESPACE_LABEL] !== owner.namespace ||
        labels[OWNER_NAME_LABEL] !== owner.name
      ) {
        entries.push({ ref, action: 'skipped', message: 'no longer carries this sync’s ownership labels' });
      } else {
        const result = await kube.delete(ref, {
          propagation: 'Background',
          ...(live.metadata.uid ? { uid: live.metadata.uid } : {}),
        });
        entries.push({ ref, action: 'deleted', ...(result === 'absent' ? { message: 'already gone' } : {}) });
      }
    } catch (error) {
      failed.push(ref);
      entries.push({ ref, action: 'failed', message: `${formatRef(ref)}: ${(error as Error).message}` });
    }
  }
  return { entries, failed };
}
