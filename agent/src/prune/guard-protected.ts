// Guard: the agent's own namespace, CRD, RBAC, inventory and configuration are never pruned, whatever
// Git says: deleting them would stop the agent that could put them back.
import type { ObjectRef } from '@ferry/shared';
import type { PruneContext } from './types.ts';

/** The reason to keep this object, or undefined. */
export function guardProtected(ref: ObjectRef, ctx: Pick<PruneContext, 'protectedRefs'>): string | undefined {
  if (!ctx.protectedRefs(ref)) return undefined;
  return 'it belongs to the agent itself (its namespace, CRD, RBAC, inventory or configuration)';
}
