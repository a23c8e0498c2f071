// What a sync follows in Git, and what a fetch returns.

/** One of the four ways to follow a repository. */
export type RefSpec =
  | { readonly kind: 'branch'; readonly name: string }
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'semver'; readonly range: string }
  | { readonly kind: 'commit'; readonly sha: string };

export type GitAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface SourceSpec {
  /** https:// or http:// URL of the repository. */
  readonly url: string;
  readonly ref: RefSpec;
  /** Folder inside the repository; '' or '.' for its root. */
  readonly path: string;
  readonly auth: GitAuth;
  /** PEM bundle trusted for the Git server, in addition to nothing else (replaces the system CAs). */
  readonly ca?: string;
}

export interface CommitInfo {
  readonly sha: string;
  /** Committer time, ISO 8601. The hub computes commit-to-applied lag from it. */
  readonly time: string;
  readonly author: { readonly name: string; readonly email: string };
  /** First line of the commit message. */
  readonly subject: string;
}

/** How the fetched commit relates to the one fetched before for the same ref. */
export type HistoryRelation =
  | 'first-fetch'
  | 'unchanged'
  | 'fast-forward'
  | 'rewritten'
  /** The earlier commit was not found within the bounded depth: not proof of a rewrite. */
  | 'undetermined';

/** The stable order of source files: by path, code unit by code unit. */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export interface SourceFile {
  /** Path relative to the sync's path, with '/' separators. */
  readonly path: string;
  readonly content: Uint8Array;
}

export interface SourceResult {
  /** `<ref>@sha1:<sha>`; a pinned commit is `sha1:<sha>`. */
  readonly revision: string;
  /** The ref that was resolved: the branch, the tag (the chosen one for a semver range), or the SHA. */
  readonly resolvedRef: string;
  readonly commit: CommitInfo;
  readonly history: { readonly relation: HistoryRelation; readonly previous?: string };
  /** The files under the path that render asked for, in a stable (sorted) order. */
  readonly files: readonly SourceFile[];
}
