// Guard: an empty desired set prunes nothing unless the prune policy allows it. A wrong path or ref
// renders nothing, and must not delete everything Ferry owns.
import type { PruneContext } from './types.ts';

/** The reason to block the whole prune, or undefined. */
export function guardEmptyDesired(
  ctx: Pick<PruneContext, 'desired' | 'inventory' | 'allowEmpty'>,
): string | undefined {
  if (ctx.desired.length > 0 || ctx.inventory.length === 0 || ctx.allowEmpty) return undefined;
  return (
    `this revision renders no objects while the inventory holds ${ctx.inventory.length}; a wrong path ` +
    'or ref looks like this, so nothing is pruned. Set the prune policy to allow an empty desired set ' +
    'to delete them all'
  );
}
