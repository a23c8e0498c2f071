// The source verb: from (repo, ref, path) to a revision and the files under the path, read from a bare
// cache at the resolved commit (no work tree). First fetch shallow and single-branch; later ones
// incremental. Every failure is a SourceError, and nothing downstream runs after one.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SourceError } from './errors.ts';
import {
  fetchRef,
  hasObject,
  isEmptyCache,
  listFiles,
  listRemoteRefs,
  openCache,
  peelToCommit,
  readBlob,
  readCommitInfo,
  type GitCache,
} from './git.ts';
import { DEFAULT_ANCESTRY_OPTIONS, relateHistory, type AncestryOptions } from './history.ts';
import { createGitHttpTransport } from './http-transport.ts';
import { formatRevision } from './ref-spec.ts';
import { selectTag } from './select-tag.ts';
import { byPath, type SourceFile, type SourceResult, type SourceSpec } from './types.ts';

export interface FetchSourceOptions {
  /** Where the bare caches live, one per repository URL. */
  readonly cacheDir: string;
  /** The commit fetched last time for this ref, to tell fast-forwards from history rewrites. */
  readonly previousSha?: string;
  /** Which files under the path to read (by their path relative to it); the rest are never loaded. */
  readonly wantFile: (path: string) => boolean;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  /** Depth of the fetch that looks for a pinned commit that is no branch tip. */
  readonly commitSearchDepth: number;
  readonly ancestry: AncestryOptions;
  readonly timeoutMs: number;
}

export const DEFAULT_FETCH_SOURCE_OPTIONS: Omit<FetchSourceOptions, 'cacheDir' | 'wantFile'> = {
  maxFileBytes: 4 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  commitSearchDepth: 1000,
  ancestry: DEFAULT_ANCESTRY_OPTIONS,
  timeoutMs: 60_000,
};

/** `./apps/web/` → `apps/web`; refuses paths that leave the repository. */
export function normalizeSourcePath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..'))
    throw new SourceError('path-not-found', `path ${JSON.stringify(path)} leaves the repository`);
  return parts.join('/');
}

function cacheFor(cacheDir: string, url: string): string {
  const key = createHash('sha256').update(url).digest('hex').slice(0, 24);
  const dir = join(cacheDir, key);
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Resolved {
  readonly resolvedRef: string;
  /** Full ref to fetch again when deepening; undefined for a pinned commit. */
  readonly fullRef: string | undefined;
  readonly commit: string;
}

/**
 * Fetches a ref whose remote oid is known, unless the cache already holds that object. The first fetch
 * into a cache is shallow (depth 1); later ones are incremental: the server sends only what the cache
 * lacks, down to its shallow boundary.
 */
async function fetchUnlessCached(repo: GitCache, fullRef: string, oid: string): Promise<string> {
  if (oid === '' || !(await hasObject(repo, oid))) {
    const fetched = await fetchRef(repo, fullRef, isEmptyCache(repo) ? { depth: 1 } : {});
    return peelToCommit(repo, fetched);
  }
  return peelToCommit(repo, oid);
}

async function resolveAndFetch(
  repo: GitCache,
  spec: SourceSpec,
  options: FetchSourceOptions,
): Promise<Resolved> {
  const ref = spec.ref;
  switch (ref.kind) {
    case 'branch':
    case 'tag': {
      const fullRef = `refs/${ref.kind === 'branch' ? 'heads' : 'tags'}/${ref.name}`;
      const remote = (await listRemoteRefs(repo.http, spec.url, fullRef)).find(
        (entry) => entry.ref === fullRef,
      );
      if (remote === undefined) {
        throw new SourceError('ref-not-found', `${ref.kind} ${ref.name} does not exist on ${spec.url}`);
      }
      return { resolvedRef: ref.name, fullRef, commit: await fetchUnlessCached(repo, fullRef, remote.oid) };
    }
    case 'semver': {
      const tags = await listRemoteRefs(repo.http, spec.url, 'refs/tags/');
      const names = tags.map((tag) => tag.ref.slice('refs/tags/'.length));
      const selected = selectTag(names, ref.range);
      if (selected === undefined) {
        const shown = names.slice(0, 10).join(', ') || 'none';
        throw new SourceError(
          'no-matching-tag',
          `no tag of ${spec.url} matches ${ref.range} (tags: ${shown})`,
        );
      }
      const fullRef = `refs/tags/${selected.tag}`;
      const oid = tags.find((tag) => tag.ref === fullRef)?.oid ?? '';
      return { resolvedRef: selected.tag, fullRef, commit: await fetchUnlessCached(repo, fullRef, oid) };
    }
    case 'commit': {
      if (!(await hasObject(repo, ref.sha))) {
        // A pinned commit need not be a branch tip: fetch every branch and tag deep enough to hold it.
        const branches = await listRemoteRefs(repo.http, spec.url, 'refs/heads/');
        const anchor = branches[0]?.ref;
        if (anchor === undefined) throw new SourceError('ref-not-found', `${spec.url} has no branches`);
        await fetchRef(repo, anchor, { everything: true, depth: options.commitSearchDepth });
        if (!(await hasObject(repo, ref.sha))) {
          throw new SourceError(
            'ref-not-found',
            `commit ${ref.sha} is not reachable from any branch or tag of ${spec.url} within ${options.commitSearchDepth} commits`,
          );
        }
      }
      return { resolvedRef: ref.sha, fullRef: undefined, commit: await peelToCommit(repo, ref.sha) };
    }
  }
}

async function readFiles(
  repo: GitCache,
  commit: string,
  path: string,
  options: FetchSourceOptions,
): Promise<SourceFile[]> {
  const listed = (await listFiles(repo, commit, path)).filter((file) => options.wantFile(file.path));
  listed.sort(byPath);
  const files: SourceFile[] = [];
  let total = 0;
  for (const file of listed) {
    const content = await readBlob(repo, file.oid);
    if (content.length > options.maxFileBytes) {
      throw new SourceError(
        'too-large',
        `${file.path} is ${content.length} bytes, over the limit of ${options.maxFileBytes}`,
      );
    }
    total += content.length;
    if (total > options.maxTotalBytes) {
      throw new SourceError(
        'too-large',
        `the files under ${path || '/'} exceed ${options.maxTotalBytes} bytes in all`,
      );
    }
    files.push({ path: file.path, content });
  }
  return files;
}

export async function fetchSource(spec: SourceSpec, options: FetchSourceOptions): Promise<SourceResult> {
  const path = normalizeSourcePath(spec.path);
  const http = createGitHttpTransport({
    auth: spec.auth,
    timeoutMs: options.timeoutMs,
    ...(spec.ca !== undefined ? { ca: spec.ca } : {}),
  });
  try {
    const repo = await openCache(cacheFor(options.cacheDir, spec.url), spec.url, http);
    const resolved = await resolveAndFetch(repo, spec, options);
    const relation = await relateHistory(
      repo,
      resolved.commit,
      options.previousSha,
      async (commits) => {
        if (resolved.fullRef !== undefined)
          await fetchRef(repo, resolved.fullRef, { depth: commits, relative: true });
      },
      options.ancestry,
    );
    const commit = await readCommitInfo(repo, resolved.commit);
    const files = await readFiles(repo, resolved.commit, path, options);
    return {
      revision: formatRevision(resolved.resolvedRef, resolved.commit, spec.ref),
      resolvedRef: resolved.resolvedRef,
      commit,
      history: { relation, ...(options.previousSha !== undefined ? { previous: options.previousSha } : {}) },
      files,
    };
  } finally {
    await http.close();
  }
}
