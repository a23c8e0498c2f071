// What a cluster follows, read from a GitSync ref as the hub sees it: `branch:NAME`, `tag:NAME`,
// `semver:RANGE`, `commit:SHA`, `refs/heads/NAME`, `refs/tags/NAME`, a 40-hex SHA, or a bare name.
// The agent's hello says the ref without its kind (`main`, `v1.2.0`, `>=1.2 <2`, the SHA), so a bare
// name the cluster's enrollment record does not explain stays `name`: a branch, or a tag, or a range.
// Pure.

export type FollowedRef =
  | { readonly kind: 'branch'; readonly name: string }
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'semver'; readonly range: string }
  | { readonly kind: 'commit' }
  /** A bare name from a hello: a branch, a tag or a version range (the hello does not say which). */
  | { readonly kind: 'name'; readonly name: string };

const SHA = /^[0-9a-f]{40}$/i;
// Characters git refuses in a ref name: a bare ref holding one can only be a semver range.
const NOT_IN_A_REF = /[\s~^:?*[\\<>|]/;

/** As written in a GitSync or an enrollment record: a bare name is a branch, as the agent reads it. */
export function parseFollowedRef(text: string): FollowedRef {
  const value = text.trim();
  const colon = value.indexOf(':');
  const prefix = colon === -1 ? '' : value.slice(0, colon);
  const rest = value.slice(colon + 1).trim();
  switch (prefix) {
    case 'branch':
      return { kind: 'branch', name: rest.replace(/^refs\/heads\//, '') };
    case 'tag':
      return { kind: 'tag', name: rest.replace(/^refs\/tags\//, '') };
    case 'semver':
      return { kind: 'semver', range: rest };
    case 'commit':
      return { kind: 'commit' };
    default:
      if (SHA.test(value)) return { kind: 'commit' };
      if (value.startsWith('refs/tags/')) return { kind: 'tag', name: value.slice('refs/tags/'.length) };
      if (NOT_IN_A_REF.test(value)) return { kind: 'semver', range: value };
      return { kind: 'branch', name: value.replace(/^refs\/heads\//, '') };
  }
}

/** The ref as the agent's hello says it: the name, range or SHA without its kind. */
function bareText(ref: FollowedRef, written: string): string {
  switch (ref.kind) {
    case 'branch':
    case 'tag':
    case 'name':
      return ref.name;
    case 'semver':
      return ref.range;
    case 'commit':
      return written
        .replace(/^commit:/, '')
        .trim()
        .toLowerCase();
  }
}

/**
 * The ref a connected agent follows, from its hello's `live` ref. When it is the enrollment record's
 * ref less its kind, the record's kind holds (`tag:v1` enrolled, `v1` in the hello: the tag v1); a bare
 * name the record does not explain (the GitSync changed in Git) is `name`.
 */
export function liveFollowedRef(live: string, enrolled: string | undefined): FollowedRef {
  const parsed = parseFollowedRef(live);
  const value = live.trim();
  const isBare = parsed.kind === 'branch' && parsed.name === value;
  if (enrolled !== undefined) {
    const record = parseFollowedRef(enrolled);
    if (bareText(record, enrolled) === (parsed.kind === 'commit' ? value.toLowerCase() : value))
      return record;
  }
  return isBare ? { kind: 'name', name: value } : parsed;
}
