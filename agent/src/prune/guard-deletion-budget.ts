// Guard: a sync that would delete too much at once stops and reports, until a person allows that one
// revision. A Namespace or CRD deletion counts everything it would take with it, Ferry's or not.
import { formatRef, type ObjectRef } from '@ferry/shared';
import { isCrd, isNamespace } from './kinds.ts';
import type { DeletionBudget, PruneContext } from './types.ts';

export const ALLOW_DELETIONS_ANNOTATION = 'ferry.dev/allow-deletions';

type BudgetContext = Pick<
  PruneContext,
  'inventory' | 'budget' | 'allowedRevision' | 'revisionSha' | 'countContents' | 'live'
>;

/** The most a sync may delete from an inventory of this size. */
export function deletionLimit(budget: DeletionBudget, inventorySize: number): number {
  const byFraction = Math.floor(budget.maxFraction * inventorySize);
  return Math.min(budget.maxObjects, Math.max(budget.minObjects, byFraction));
}

/** The reason to block the whole prune, or undefined. `candidates` are what the per-object guards let through. */
export async function guardDeletionBudget(
  candidates: readonly ObjectRef[],
  ctx: BudgetContext,
): Promise<string | undefined> {
  if (candidates.length === 0) return undefined;
  const allowed = ctx.allowedRevision !== undefined && ctx.allowedRevision !== '';
  if (allowed && ctx.allowedRevision === ctx.revisionSha) return undefined;

  const contents = await countAllContents(candidates, ctx);
  const unknown = contents.find((c) => c.error !== undefined);
  if (unknown !== undefined) {
    return `cannot count what ${formatRef(unknown.ref)} would take with it (${unknown.error ?? ''}); nothing is pruned`;
  }
  const total = candidates.length + contents.reduce((sum, c) => sum + c.extra, 0);
  const size = ctx.inventory.length;
  const limit = deletionLimit(ctx.budget, size);
  if (total <= limit) return undefined;

  const { maxFraction, minObjects, maxObjects } = ctx.budget;
  const inside = contents
    .filter((c) => c.extra > 0)
    .map((c) => `, plus ${c.extra} inside ${formatRef(c.ref)}`)
    .join('');
  const sha = ctx.revisionSha;
  return (
    `this sync would delete ${total} objects (${candidates.length} from the inventory${inside}) ` +
    `from an inventory of ${size}; the limit is ${limit} (${Math.round(maxFraction * 100)}% of the ` +
    `inventory, at least ${minObjects}, at most ${maxObjects}). If revision ${sha} is meant to delete ` +
    `them, allow it for that revision only: annotate the GitSync with ${ALLOW_DELETIONS_ANNOTATION}=${sha} ` +
    `or pass --allow-deletions ${sha}`
  );
}

interface Contents {
  readonly ref: ObjectRef;
  /** Objects it takes with it that are not themselves candidates. */
  readonly extra: number;
  /** Why they could not be counted. */
  readonly error?: string;
}

async function countAllContents(candidates: readonly ObjectRef[], ctx: BudgetContext): Promise<Contents[]> {
  const containers = candidates.filter((ref) => isNamespace(ref) || isCrd(ref));
  return Promise.all(
    containers.map(async (ref): Promise<Contents> => {
      let count: number;
      try {
        count = await ctx.countContents(ref);
      } catch (error) {
        return { ref, extra: 0, error: error instanceof Error ? error.message : String(error) };
      }
      // Candidates inside it are counted once, as candidates.
      const alreadyCounted = candidates.filter(await insideOf(ref, ctx)).length;
      return { ref, extra: Math.max(0, count - alreadyCounted) };
    }),
  );
}

/** Which candidates a Namespace or CRD deletion takes with it (none known when a CRD cannot be read). */
async function insideOf(container: ObjectRef, ctx: BudgetContext): Promise<(ref: ObjectRef) => boolean> {
  if (isNamespace(container)) return (ref) => ref.namespace === container.name;
  const crd = await ctx.live(container).catch(() => undefined);
  const spec = crd?.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
  const group = spec?.group;
  const kind = spec?.names?.kind;
  if (typeof group !== 'string' || typeof kind !== 'string') return () => false;
  return (ref) => ref.group === group && ref.kind === kind;
}
