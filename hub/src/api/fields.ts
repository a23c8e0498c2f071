// The syntax of what people type into the API: names, Kubernetes labels, a Git repository address, a
// ref, a path in the repository. Pure checks that return what is wrong (undefined when nothing is).
import { BOUNDS } from '@ferry/shared/protocol';

/** A Kubernetes DNS-1123 label: cluster names and target namespaces. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A label's name part and a label value (which may also be empty). */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** API token names: letters, digits and `._@-`, starting with a letter or digit. */
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
/** scp-like Git addresses: `[user@]host:path`, as git itself reads them. */

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export const NAME_MAX = 63;
export const LABELS_MAX = 64;
export const LABEL_KEY_PREFIX_MAX = 253;
export const REPO_SCHEMES: readonly string[] = ['https:', 'http:'];

/** A Secret's name: a DNS-1123 subdomain of at most 253 characters. */
export function secretNameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > LABEL_KEY_PREFIX_MAX) return `must be at most ${LABEL_KEY_PREFIX_MAX} characters`;
  if (!DNS_SUBDOMAIN.test(value)) {
    return 'must be a Secret name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

export function dnsLabelProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > NAME_MAX) return `must be at most ${NAME_MAX} characters`;
  if (!DNS_LABEL.test(value)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

export function tokenNameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > NAME_MAX) return `must be at most ${NAME_MAX} characters`;
  if (!TOKEN_NAME.test(value)) return 'must be letters, digits and "._@-", starting with a letter or digit';
  return undefined;
}

/** A label key: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > LABEL_KEY_PREFIX_MAX || !DNS_SUBDOMAIN.test(prefix)) {
      return `the key's prefix must be a DNS subdomain of at most ${LABEL_KEY_PREFIX_MAX} characters`;
    }
  }
  if (name.length === 0 || name.length > NAME_MAX || !LABEL_NAME.test(name)) {
    return `the key's name must be 1 to ${NAME_MAX} letters, digits and "-_.", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > NAME_MAX || !LABEL_NAME.test(value)) {
    return `must be empty or 1 to ${NAME_MAX} letters, digits and "-_.", starting and ending with a letter or digit`;
  }
  return undefined;
}

/**
 * A repository the agent can follow: an http(s) URL (the agent fetches over smart HTTP), never with a
 * user or password (where a token usually hides): the agent's Git credential stays in its cluster, in
 * a Secret the GitSync names. The same rule as the hello's repoSchema in shared/src/protocol.
 */
export function repoProblem(repo: string): string | undefined {
  if (repo.length === 0) return 'must not be empty';
  if (repo.length > BOUNDS.repo) return `must be at most ${BOUNDS.repo} characters`;
  if (/\s/.test(repo) || hasControl(repo)) return 'must not contain spaces or control characters';
  if (!URL.canParse(repo)) return 'must be an http(s) URL such as https://git.example.com/org/fleet.git';
  const url = new URL(repo);
  if (!REPO_SCHEMES.includes(url.protocol)) {
    return 'must be an http(s) URL (the agent fetches over smart HTTP)';
  }
  if (url.hostname === '') return 'must name a host';
  if (url.password !== '' || url.username !== '') {
    return 'must not carry a user or password (the agent keeps its Git credential in its cluster)';
  }
  return undefined;
}

/**
 * What a GitSync's `ref` takes: `branch:NAME`, `tag:NAME`, `semver:RANGE`, `commit:SHA`, a bare
 * branch name or a 40-hex SHA. Names follow git check-ref-format's main rules; a semver range is
 * checked by the agent (it names the range in the GitSync's status when it cannot read it).
 */
export function gitRefProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'must not be empty';
  if (ref.length > BOUNDS.gitRef) return `must be at most ${BOUNDS.gitRef} characters`;
  if (hasControl(ref)) return 'must not contain control characters';
  const colon = ref.indexOf(':');
  const prefix = colon === -1 ? '' : ref.slice(0, colon);
  const rest = ref.slice(colon + 1);
  switch (prefix) {
    case 'branch':
    case 'tag':
      return refNameProblem(rest, `${prefix}:`);
    case 'semver':
      return rest.trim() === '' ? 'semver: must be followed by a range such as ">=1.2 <2"' : undefined;
    case 'commit':
      return /^[0-9a-fA-F]{40}$/.test(rest) ? undefined : 'commit: must be followed by 40 hex digits';
    case '':
      return refNameProblem(ref, '');
    default:
      return `"${prefix}:" is not a ref kind: use branch:, tag:, semver:, commit: or a bare branch name`;
  }
}

/** A branch or tag name, by git check-ref-format's main rules. */
function refNameProblem(ref: string, prefix: string): string | undefined {
  if (ref.length === 0) return `${prefix}must be followed by a name`;
  if (/[\s~^:?*[\\]/.test(ref)) {
    return `${prefix}name must not contain spaces or any of ~^:?*[\\`;
  }
  if (ref.startsWith('-') || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) {
    return 'must not start with "-" or "/", nor end with "/" or "."';
  }
  if (ref.includes('..') || ref.includes('//') || ref.includes('@{') || ref.endsWith('.lock')) {
    return 'must not contain "..", "//" or "@{", nor end with ".lock"';
  }
  return undefined;
}

/** A directory in the repository, relative to its root ('' for the root). */
export function repoPathProblem(path: string): string | undefined {
  if (path.length > BOUNDS.path) return `must be at most ${BOUNDS.path} characters`;
  if (hasControl(path) || path.includes('\\')) return 'must not contain control characters or "\\"';
  if (path.startsWith('/')) return 'must be relative to the repository root (no leading "/")';
  if (path.split('/').includes('..')) return 'must not contain ".."';
  return undefined;
}
