// Guard: an object annotated `ferry.dev/prune: disabled` (or Flux's `kustomize.toolkit.fluxcd.io/prune:
// disabled`, for objects taken over from Flux) stays in the cluster when it leaves Git.
import type { ObjectRef } from '@ferry/shared';
import type { PruneContext } from './types.ts';

export const PRUNE_ANNOTATIONS = ['ferry.dev/prune', 'kustomize.toolkit.fluxcd.io/prune'] as const;

/** The reason to keep this object, or undefined. An absent object has no annotations to honour. */
export async function guardPruneDisabled(
  ref: ObjectRef,
  ctx: Pick<PruneContext, 'live'>,
): Promise<string | undefined> {
  let object;
  try {
    object = await ctx.live(ref);
  } catch (error) {
    return `cannot read it to check its annotations: ${error instanceof Error ? error.message : String(error)}`;
  }
  const annotations = object?.metadata.annotations ?? {};
  // Any spelling of "disabled" counts: keeping an object by mistake is the cheaper error.
  const key = PRUNE_ANNOTATIONS.find((name) => annotations[name]?.trim().toLowerCase() === 'disabled');
  return key === undefined ? undefined : `annotated ${key}: disabled`;
}
