// Guard: a sync in which fetch, render, plan or any apply failed prunes nothing. The desired set of a
// failed sync cannot be trusted to be complete.
import type { PruneContext } from './types.ts';

/** The reason to block the whole prune, or undefined. */
export function guardUpstreamFailed(ctx: Pick<PruneContext, 'upstreamFailed'>): string | undefined {
  if (ctx.upstreamFailed === undefined) return undefined;
  return (
    `the ${ctx.upstreamFailed} stage failed in this sync; nothing is pruned until a sync gets through ` +
    'fetch, render, plan and apply'
  );
}
