// Does the new commit descend from the one fetched before? Walk back from the new tip; where the walk
// reaches the shallow boundary, deepen the fetch and walk again, up to a bounded number of commits.
// Reaching the boundary proves nothing; only a walk that ends at the root without meeting the earlier
// commit is a history rewrite.
import { parentsOf, shallowCommits, type GitCache } from './git.ts';
import type { HistoryRelation } from './types.ts';

export interface AncestryOptions {
  /** Commits walked at most before the answer is 'undetermined'. */
  readonly maxCommits: number;
  /** Commits added to the history per deepening fetch. */
  readonly deepenStep: number;
}

export const DEFAULT_ANCESTRY_OPTIONS: AncestryOptions = { maxCommits: 1000, deepenStep: 100 };

type Walk = 'found' | 'root-reached' | 'boundary' | 'limit';

async function walk(repo: GitCache, tip: string, previous: string, maxCommits: number): Promise<Walk> {
  const shallow = await shallowCommits(repo);
  const queue = [tip];
  const seen = new Set<string>([tip]);
  let boundary = false;
  while (queue.length > 0) {
    const oid = queue.shift() ?? '';
    if (oid === previous) return 'found';
    if (seen.size > maxCommits) return 'limit';
    const parents = await parentsOf(repo, oid);
    if (parents === undefined || shallow.has(oid)) {
      boundary = true;
      continue;
    }
    for (const parent of parents) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return boundary ? 'boundary' : 'root-reached';
}

export async function relateHistory(
  repo: GitCache,
  tip: string,
  previous: string | undefined,
  deepen: (commits: number) => Promise<void>,
  options: AncestryOptions = DEFAULT_ANCESTRY_OPTIONS,
): Promise<HistoryRelation> {
  if (previous === undefined) return 'first-fetch';
  if (previous === tip) return 'unchanged';
  for (let fetched = 0; ; fetched += options.deepenStep) {
    const result = await walk(repo, tip, previous, options.maxCommits);
    if (result === 'found') return 'fast-forward';
    if (result === 'root-reached') return 'rewritten';
    if (result === 'limit' || fetched >= options.maxCommits) return 'undetermined';
    await deepen(options.deepenStep);
  }
}
