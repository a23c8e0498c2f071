// Whether a push concerns what a cluster follows. A branch push (`refs/heads/X`) is for clusters
// following branch X; a tag push (`refs/tags/T`) for those following tag T and for every semver range
// (the agent decides whether T is in it); a commit is never moved by a push; a deleted ref is for
// nobody. A bare name from a hello (`name`) is taken as a branch, a tag, or, when it reads like a
// version, a range: a needless hint costs one fetch, a missed one waits for the interval. Pure.
import type { FollowedRef } from './followed-ref.ts';

export type PushedRef =
  | { readonly kind: 'branch'; readonly name: string }
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'other' };

export interface Push {
  /** As the provider sent it: `refs/heads/main`, `refs/tags/v1.2.0`. */
  readonly ref: string;
  /** The ref was deleted (its new commit is all zeros). */
  readonly deleted: boolean;
}

/** A bare name that a semver range could be: `1`, `1.x`, `v1.2`, `1.2.3`. */
const VERSION_LIKE = /^[v=]?(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2}$/;

export function pushedRef(ref: string): PushedRef {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  return { kind: 'other' };
}

/** True when a cluster following `followed` should fetch now because of `push`. */
export function pushConcerns(push: Push, followed: FollowedRef): boolean {
  if (push.deleted) return false;
  const pushed = pushedRef(push.ref);
  switch (followed.kind) {
    case 'commit':
      return false;
    case 'branch':
      return pushed.kind === 'branch' && pushed.name === followed.name;
    case 'tag':
      return pushed.kind === 'tag' && pushed.name === followed.name;
    case 'semver':
      return pushed.kind === 'tag';
    case 'name':
      if (pushed.kind === 'other') return false;
      return pushed.name === followed.name || (pushed.kind === 'tag' && VERSION_LIKE.test(followed.name));
  }
}
