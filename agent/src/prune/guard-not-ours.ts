// Guard: only an object that still carries Ferry's ownership labels, naming this GitSync, is deleted.
// An object that is already gone needs no deletion; one relabelled by someone else is theirs now.
import type { ObjectRef } from '@ferry/shared';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../inventory/types.ts';
import type { PruneContext } from './types.ts';

export const ALREADY_ABSENT = 'already absent';

/** The reason to keep this object (or ALREADY_ABSENT), or undefined when it is ours to delete. */
export async function guardNotOurs(
  ref: ObjectRef,
  ctx: Pick<PruneContext, 'live' | 'owner'>,
): Promise<string | undefined> {
  let object;
  try {
    object = await ctx.live(ref);
  } catch (error) {
    return `cannot read it to check its owner: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (object === undefined) return ALREADY_ABSENT;
  const labels = object.metadata.labels ?? {};
  const namespace = labels[OWNER_NAMESPACE_LABEL];
  const name = labels[OWNER_NAME_LABEL];
  const missing = [
    ...(namespace === undefined ? [OWNER_NAMESPACE_LABEL] : []),
    ...(name === undefined ? [OWNER_NAME_LABEL] : []),
  ];
  if (missing.length > 0) {
    return `it lacks Ferry's ownership label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  }
  const { owner } = ctx;
  if (namespace === owner.namespace && name === owner.name) return undefined;
  return `its ownership labels name GitSync ${namespace ?? ''}/${name ?? ''}, not ${owner.namespace}/${owner.name}`;
}
