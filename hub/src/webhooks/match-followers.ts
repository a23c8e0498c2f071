// Which clusters a push concerns: those whose source is the pushed repository (normalised URLs) and
// whose ref the push moves (push-ref.ts). A connected cluster is judged by what its agent's latest
// hello said (the GitSync can change in Git); one not connected by its enrollment record. Pure.
import { liveFollowedRef, parseFollowedRef, type FollowedRef } from './followed-ref.ts';
import { normalizeRepoUrl } from './normalize-repo.ts';
import { pushConcerns, type Push } from './push-ref.ts';

/** A cluster as the hub registered it: the repo and ref written into its install manifest. */
export interface EnrolledSource {
  readonly cluster: string;
  readonly repo: string;
  readonly ref: string;
}

/** A connected cluster and what its agent's hello said it follows. */
export interface LiveSource {
  readonly cluster: string;
  readonly repo: string;
  readonly ref: string;
}

export interface Followers {
  /** Connected clusters that follow the push: each gets a refresh hint. */
  readonly connected: readonly string[];
  /** Clusters whose record follows the push but whose agent is not connected. */
  readonly notConnected: readonly string[];
}

/** The normalised URLs of the pushed repository (one repository, under its web, HTTP and SSH URLs). */
export function pushedRepos(repoUrls: readonly string[]): string[] {
  return [...new Set(repoUrls.flatMap((url) => normalizeRepoUrl(url) ?? []))];
}

export function matchFollowers(
  push: Push & { readonly repos: readonly string[] },
  enrolled: Iterable<EnrolledSource>,
  live: readonly LiveSource[],
): Followers {
  const repos = new Set(push.repos);
  const liveByCluster = new Map(live.map((source) => [source.cluster, source]));
  const follows = (repo: string, ref: FollowedRef): boolean => {
    const key = normalizeRepoUrl(repo);
    return key !== undefined && repos.has(key) && pushConcerns(push, ref);
  };
  const connected: string[] = [];
  const notConnected: string[] = [];
  for (const record of enrolled) {
    const now = liveByCluster.get(record.cluster);
    if (now !== undefined) {
      if (follows(now.repo, liveFollowedRef(now.ref, record.ref))) connected.push(record.cluster);
    } else if (follows(record.repo, parseFollowedRef(record.ref))) {
      notConnected.push(record.cluster);
    }
  }
  return { connected: connected.sort(), notConnected: notConnected.sort() };
}
