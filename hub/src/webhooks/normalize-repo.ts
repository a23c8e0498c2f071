// A repository's identity as the webhook relay compares it: `host[:port]/path`, whatever the form a
// provider or a GitSync wrote it in. http and https are alike, `git@host:org/repo` and
// `ssh://git@host/org/repo` are `host/org/repo`; the `.git` suffix, trailing slashes, user info and
// default ports go; the host's case goes, the path's stays (paths are case-sensitive on many servers).
// Pure.

/** Ports that say nothing: the default of their scheme. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  'http:': '80',
  'https:': '443',
  'ssh:': '22',
  'git+ssh:': '22',
  'git:': '9418',
};

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function trimPath(path: string): string {
  return path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
    .replace(/^\/+/, '');
}

function key(host: string, port: string, path: string): string | undefined {
  const trimmed = trimPath(path);
  if (host === '' || trimmed === '') return undefined;
  return `${host.toLowerCase()}${port === '' ? '' : `:${port}`}/${trimmed}`;
}

/** `host[:port]/path`, or undefined when `text` names no repository (no host, or no path). */
export function normalizeRepoUrl(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  if (!HAS_SCHEME.test(value)) {
    // scp-like (git@host:org/repo.git), or a scheme-less host/org/repo.
    const scp = SCP_LIKE.exec(value);
    if (scp?.[1] !== undefined && scp[2] !== undefined) return key(scp[1], '', scp[2]);
    return normalizeRepoUrl(`https://${value}`);
  }
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (DEFAULT_PORTS[url.protocol] === undefined) return undefined;
  // The URL class drops the default port of http(s) already; ssh's and git's are dropped here.
  const port = url.port === DEFAULT_PORTS[url.protocol] ? '' : url.port;
  return key(url.hostname, port, url.pathname);
}
