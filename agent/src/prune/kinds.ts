// The kinds prune treats specially, and the key of a kind in PruneContext.failedDiscoveryKinds.
import type { ObjectRef } from '@ferry/shared';

/** "group/Kind", with an empty group for the core API: "/ConfigMap", "apps/Deployment". */
export function discoveryKey(ref: Pick<ObjectRef, 'group' | 'kind'>): string {
  return `${ref.group}/${ref.kind}`;
}

export function isNamespace(ref: ObjectRef): boolean {
  return ref.group === '' && ref.kind === 'Namespace';
}

export function isCrd(ref: ObjectRef): boolean {
  return ref.group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition';
}
