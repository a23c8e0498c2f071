// The only module that imports isomorphic-git. It works on a bare cache directory (no work tree) and
// offers the rest of the source module a few verbs on our own types.
import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { connectionFailure, tlsUntrusted } from '../net-errors.ts';
import { SourceError } from './errors.ts';
import type { GitHttpTransport } from './http-transport.ts';
import type { CommitInfo } from './types.ts';

export interface GitCache {
  readonly gitdir: string;
  readonly url: string;
  readonly http: GitHttpTransport;
  /** isomorphic-git's object cache, shared by the reads of one sync. */
  readonly cache: object;
}

export interface RemoteRef {
  readonly ref: string;
  readonly oid: string;
  /** For annotated tags: the commit the tag object points at. */
  readonly peeled?: string;
}

/** Creates the bare cache repository when it does not exist yet. */
export async function openCache(gitdir: string, url: string, http: GitHttpTransport): Promise<GitCache> {
  if (!fs.existsSync(join(gitdir, 'HEAD'))) {
    await git.init({ fs, gitdir, bare: true });
    // isomorphic-git's fetch maps remote refs through the remote's fetch refspec.
    await git.addRemote({ fs, gitdir, remote: 'origin', url, force: true });
  }
  return { gitdir, url, http, cache: {} };
}

/** Lists refs under prefix without fetching anything (protocol v2 ls-refs). */
export async function listRemoteRefs(
  http: GitHttpTransport,
  url: string,
  prefix: string,
): Promise<RemoteRef[]> {
  try {
    const refs = await git.listServerRefs({ http, url, prefix, protocolVersion: 2, peelTags: true });
    return refs.map((ref) => ({ ref: ref.ref, oid: ref.oid, ...(ref.peeled ? { peeled: ref.peeled } : {}) }));
  } catch (error) {
    throw translateGitError(error, url, `listing ${prefix}`);
  }
}

export interface FetchOptions {
  /** Commits of history to have locally, counted from the tip (or from the shallow boundary if relative). */
  readonly depth?: number;
  readonly relative?: boolean;
  /** Fetch every branch (and tags) rather than one ref. */
  readonly everything?: boolean;
}

/** Fetches one full ref name (refs/heads/x, refs/tags/y) into the cache; returns the oid it points at. */
export async function fetchRef(repo: GitCache, ref: string, options: FetchOptions = {}): Promise<string> {
  try {
    const result = await git.fetch({
      fs,
      http: repo.http,
      gitdir: repo.gitdir,
      url: repo.url,
      cache: repo.cache,
      ...(options.everything === true
        ? { singleBranch: false, tags: true }
        : { ref, remoteRef: ref, singleBranch: true, tags: false }),
      ...(options.depth !== undefined ? { depth: options.depth } : {}),
      ...(options.relative === true ? { relative: true } : {}),
    });
    if (result.fetchHead === null) {
      throw new SourceError('ref-not-found', `${repo.url} has no refs at all (empty repository)`);
    }
    // Keep the ref locally under its own name: the next fetch offers it to the server as a "have",
    // so the server sends only what is new.
    if (options.everything !== true) {
      await git.writeRef({ fs, gitdir: repo.gitdir, ref, value: result.fetchHead, force: true });
    }
    return result.fetchHead;
  } catch (error) {
    throw translateGitError(error, repo.url, `fetching ${ref}`);
  }
}

/** True when the commit (or tag) is in the cache. */
export async function hasObject(repo: GitCache, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    return true;
  } catch (error) {
    return error instanceof git.Errors.ObjectTypeError;
  }
}

/** Follows annotated tags down to the commit (isomorphic-git's readCommit peels them). */
export async function peelToCommit(repo: GitCache, oid: string): Promise<string> {
  const { oid: commit } = await git.readCommit({ fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  return commit;
}

/** True before the first fetch into this cache. */
export function isEmptyCache(repo: GitCache): boolean {
  try {
    return fs.readdirSync(join(repo.gitdir, 'objects', 'pack')).length === 0;
  } catch {
    return true;
  }
}

export async function readCommitInfo(repo: GitCache, oid: string): Promise<CommitInfo> {
  const { commit } = await git.readCommit({ fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  return {
    sha: oid,
    time: new Date(commit.committer.timestamp * 1000).toISOString(),
    author: { name: commit.author.name, email: commit.author.email },
    subject: commit.message.split('\n', 1)[0] ?? '',
  };
}

/** The parents of a commit, or undefined when the commit is not in the cache. */
export async function parentsOf(repo: GitCache, oid: string): Promise<readonly string[] | undefined> {
  try {
    const { commit } = await git.readCommit({ fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    return commit.parent;
  } catch {
    return undefined;
  }
}

/** Commits at the shallow boundary: their parents were not fetched. */
export async function shallowCommits(repo: GitCache): Promise<ReadonlySet<string>> {
  try {
    const text = await readFile(join(repo.gitdir, 'shallow'), 'utf8');
    return new Set(text.split('\n').filter((line) => line !== ''));
  } catch {
    return new Set();
  }
}

export interface TreeFile {
  readonly path: string;
  readonly oid: string;
}

/**
 * Lists the blobs under `path` at a commit, recursively, with paths relative to `path`. Symlinks and
 * submodules are skipped. Throws path-not-found when the path does not exist or is not a folder.
 */
export async function listFiles(repo: GitCache, commit: string, path: string): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  const walk = async (oid: string, prefix: string): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    for (const entry of tree) {
      const child = prefix === '' ? entry.path : `${prefix}/${entry.path}`;
      if (entry.type === 'tree') await walk(entry.oid, child);
      else if (entry.type === 'blob' && entry.mode !== '120000') files.push({ path: child, oid: entry.oid });
    }
  };
  let root: string;
  try {
    root = (
      await git.readTree({
        fs,
        gitdir: repo.gitdir,
        oid: commit,
        filepath: path === '' ? undefined : path,
        cache: repo.cache,
      })
    ).oid;
  } catch (error) {
    throw new SourceError(
      'path-not-found',
      `path ${JSON.stringify(path)} is not a folder at commit ${commit}`,
      { cause: error },
    );
  }
  await walk(root, '');
  return files;
}

export async function readBlob(repo: GitCache, oid: string): Promise<Uint8Array> {
  const { blob } = await git.readBlob({ fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  return blob;
}

/** One translation of isomorphic-git and network failures into SourceErrors, naming the URL. */
export function translateGitError(error: unknown, url: string, doing: string): SourceError {
  if (error instanceof SourceError) return error;
  const tls = tlsUntrusted(error);
  if (tls !== undefined) {
    return new SourceError(
      'tls-untrusted',
      `${doing}: the certificate of ${url} is not trusted (${tls}); give the CA bundle that signs it (ca.crt in the credentials Secret, --ca-file)`,
      { cause: error },
    );
  }
  const network = connectionFailure(error);
  if (network !== undefined) {
    return new SourceError('unreachable', `${doing}: cannot reach ${url} (${network})`, { cause: error });
  }
  if (error instanceof git.Errors.HttpError) {
    const status = error.data.statusCode;
    if (status === 401 || status === 403) {
      return new SourceError('auth-refused', `${doing}: ${url} refused the credentials (HTTP ${status})`, {
        cause: error,
      });
    }
    if (status === 404)
      return new SourceError('repo-not-found', `${doing}: no repository at ${url} (HTTP 404)`, {
        cause: error,
      });
    return new SourceError('unreachable', `${doing}: ${url} answered HTTP ${status}`, { cause: error });
  }
  if (error instanceof git.Errors.NotFoundError) {
    return new SourceError('ref-not-found', `${doing}: not found on ${url}: ${error.message}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SourceError('git-failed', `${doing} from ${url}: ${message}`, { cause: error });
}
