// Guard: objects of a kind whose discovery failed in this sync are kept. Ferry cannot tell whether the
// kind is gone or only unreachable, nor look at the objects.
import type { ObjectRef } from '@ferry/shared';
import { discoveryKey } from './kinds.ts';
import type { PruneContext } from './types.ts';

/** The reason to keep this object, or undefined. */
export function guardDiscoveryFailed(
  ref: ObjectRef,
  ctx: Pick<PruneContext, 'failedDiscoveryKinds'>,
): string | undefined {
  const key = discoveryKey(ref);
  if (!ctx.failedDiscoveryKinds.has(key)) return undefined;
  return `discovery of ${key} failed in this sync; objects of that kind are kept until it succeeds`;
}
