// Server-side dry-run of one object (force, so that field conflicts do not fail it), classified against
// the live object: created, configured or unchanged. An object whose digest and fields match the live
// object is unchanged without a dry-run (digest.ts).
import { formatRef } from '@ferry/shared';
import { KubeError, type KubeApi, type KubeObject } from '../kube/index.ts';
import { wouldChange } from './compare.ts';
import type { DesiredObject } from './desired.ts';
import { fieldDiff, type FieldChange } from './diff.ts';
import { isUnchanged } from './digest.ts';
import type { LiveIndex } from './live-index.ts';
import type { IgnoreRule } from '../gitsync/types.ts';
import { keepIgnored } from './keep-ignored.ts';
import { allowsRecreate, isImmutableError, RECREATE_HINT } from './recreate.ts';

export const FIELD_MANAGER = 'ferry';

export type Planned =
  | {
      readonly object: DesiredObject;
      readonly action: 'created' | 'configured' | 'unchanged';
      readonly live: KubeObject | undefined;
      /** What to apply: the manifest, less the fields ignore rules leave to others on a live object. */
      readonly manifest: KubeObject;
      /** An immutable field changes and the object allows delete-and-recreate. */
      readonly recreate?: boolean;
      /** Field-level changes (asked for by `sync --dry-run`). */
      readonly diff?: readonly FieldChange[];
    }
  | { readonly object: DesiredObject; readonly action: 'failed'; readonly message: string };

export async function dryRun(
  kube: KubeApi,
  object: DesiredObject,
  index: LiveIndex,
  options: { readonly withDiff?: boolean; readonly ignore?: readonly IgnoreRule[] } = {},
): Promise<Planned> {
  const withDiff = options.withDiff ?? false;
  try {
    const live = await index.get(object.ref);
    const manifest =
      live === undefined
        ? object.manifest
        : keepIgnored(object.manifest, live, object.ref, options.ignore ?? []);
    if (isUnchanged(manifest, live)) return { object, action: 'unchanged', live, manifest };
    // A new object is compared with nothing: its dry-run only has to succeed (unless a diff is asked for).
    const result = await kube.apply(manifest, {
      fieldManager: FIELD_MANAGER,
      force: true,
      dryRun: true,
      answer: live === undefined && !withDiff ? 'metadata' : 'object',
    });
    const diff = withDiff ? { diff: fieldDiff(live, result) } : {};
    if (live === undefined) return { object, action: 'created', live, manifest, ...diff };
    return {
      object,
      action: wouldChange(result, live) ? 'configured' : 'unchanged',
      live,
      manifest,
      ...diff,
    };
  } catch (error) {
    if (isImmutableError(error) && allowsRecreate(object.manifest)) {
      const live = await kube.get(object.ref);
      if (live !== undefined)
        return { object, action: 'configured', live, manifest: object.manifest, recreate: true };
    }
    const hint = isImmutableError(error) ? `; ${RECREATE_HINT}` : '';
    const message = error instanceof KubeError ? error.message : `${formatRef(object.ref)}: ${String(error)}`;
    return { object, action: 'failed', message: `${message}${hint} (${object.source})` };
  }
}
