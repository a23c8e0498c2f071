// The order prune deletes in: namespaced objects first, then cluster-scoped ones, then Namespaces, then
// CRDs (the reverse of how apply stages them), so nothing is deleted from under something that uses it.
import type { ObjectRef } from '@ferry/shared';
import { isCrd, isNamespace } from './kinds.ts';

function rank(ref: ObjectRef): number {
  if (isCrd(ref)) return 3;
  if (isNamespace(ref)) return 2;
  return ref.namespace === '' ? 1 : 0;
}

/** A new array in deletion order; objects of the same rank keep their order (Array.sort is stable). */
export function deletionOrder(refs: readonly ObjectRef[]): ObjectRef[] {
  return [...refs].sort((a, b) => rank(a) - rank(b));
}
