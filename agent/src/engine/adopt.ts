// Adoption: an object that exists already (made by kubectl, a client-side apply, a restore) is taken
// over. Fields the old owner set and Git no longer has must then disappear, so, as Flux does, the
// client-side managers' claims are handed to Ferry and kubectl's last-applied annotation is dropped
// before Ferry applies: server-side apply then removes whatever Ferry's applied set no longer holds.
import type { JsonPatchOperation, KubeObject, ManagedFieldsEntry } from '../kube/index.ts';
import { FIELD_MANAGER } from './dry-run.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Imperative kubectl commands and the pre-SSA placeholder; controllers' managers are left alone. */
function isClientSideManager(entry: ManagedFieldsEntry): boolean {
  const manager = entry.manager ?? '';
  return (
    entry.operation === 'Update' &&
    entry.subresource === undefined &&
    (manager.startsWith('kubectl') || manager === 'before-first-apply')
  );
}

/** The JSON patch that hands an object to Ferry, or [] when there is nothing to take over. */
export function adoptionPatch(live: KubeObject): JsonPatchOperation[] {
  const entries = live.metadata.managedFields ?? [];
  const operations: JsonPatchOperation[] = [];
  entries.forEach((entry, index) => {
    if (!isClientSideManager(entry)) return;
    operations.push(
      { op: 'test', path: `/metadata/managedFields/${index}/manager`, value: entry.manager },
      { op: 'replace', path: `/metadata/managedFields/${index}/manager`, value: FIELD_MANAGER },
      { op: 'replace', path: `/metadata/managedFields/${index}/operation`, value: 'Apply' },
    );
  });
  if (live.metadata.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    operations.push({
      op: 'remove',
      path: `/metadata/annotations/${LAST_APPLIED_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    });
  }
  return operations;
}
