// A semver range of tags: the highest tag whose name is a version in the range wins.
// `v1.2.3` and `1.2.3` both count; tags that are not versions are ignored.
// The functions' own modules, not the package index (which loads all of semver's 47 modules).
import clean from 'semver/functions/clean.js';
import maxSatisfying from 'semver/ranges/max-satisfying.js';

export interface SelectedTag {
  readonly tag: string;
  readonly version: string;
}

export function selectTag(tags: readonly string[], range: string): SelectedTag | undefined {
  const byVersion = new Map<string, string>();
  for (const tag of tags) {
    const version = clean(tag);
    if (version === null) continue;
    // Two tags naming one version (v1.0.0 and 1.0.0): keep the first in sorted order, stably.
    const known = byVersion.get(version);
    if (known === undefined || tag < known) byVersion.set(version, tag);
  }
  const best = maxSatisfying([...byVersion.keys()], range);
  if (best === null) return undefined;
  const tag = byVersion.get(best);
  return tag === undefined ? undefined : { tag, version: best };
}
