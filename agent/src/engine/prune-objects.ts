// Deleting what a prune plan allows, one object at a time, in its order; what fails to delete stays in
// the inventory.
import { formatRef, type ObjectRef } from '@ferry/shared';
import type { KubeApi } from '../kube/index.ts';
import type { ChangeSetEntry } from './types.ts';

export async function deleteObjects(
  kube: KubeApi,
  refs: readonly ObjectRef[],
): Promise<{ entries: ChangeSetEntry[]; failed: ObjectRef[] }> {
  const entries: ChangeSetEntry[] = [];
  const failed: ObjectRef[] = [];
  for (const ref of refs) {
    try {
      const result = await kube.delete(ref, { propagation: 'Background' });
      entries.push({ ref, action: 'deleted', ...(result === 'absent' ? { message: 'already gone' } : {}) });
    } catch (error) {
      failed.push(ref);
      entries.push({ ref, action: 'failed', message: `${formatRef(ref)}: ${(error as Error).message}` });
    }
  }
  return { entries, failed };
}
