// Prune = inventory − desired, passed through the named guards in order. Whole-set guards block
// everything; per-object guards keep single objects; the deletion budget judges what is left.
// Pure but for the context's `live` and `countContents` callbacks; it never logs and never deletes.
import { mapLimit } from '../concurrency.ts';
import { refKey, type ObjectRef } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { subtractRefs } from '../inventory/codec.ts';
import { deletionOrder } from './deletion-order.ts';
import { guardDeletionBudget } from './guard-deletion-budget.ts';
import { guardDiscoveryFailed } from './guard-discovery-failed.ts';
import { guardEmptyDesired } from './guard-empty-desired.ts';
import { guardNotOurs } from './guard-not-ours.ts';
import { guardProtected } from './guard-protected.ts';
import { guardPruneDisabled } from './guard-prune-disabled.ts';
import { guardUpstreamFailed } from './guard-upstream-failed.ts';
import type { GuardName, KeptObject, ObjectGuard, PruneContext, PrunePlan } from './types.ts';

const SET_GUARDS: readonly {
  readonly name: GuardName;
  readonly check: (ctx: PruneContext) => string | undefined;
}[] = [
  { name: 'upstream-failed', check: guardUpstreamFailed },
  { name: 'empty-desired', check: guardEmptyDesired },
];

/** Cheap guards first: discovery-failed also spares a lookup of a kind the server may not know. */
const OBJECT_GUARDS: readonly { readonly name: GuardName; readonly check: ObjectGuard }[] = [
  { name: 'discovery-failed', check: guardDiscoveryFailed },
  { name: 'protected', check: guardProtected },
  { name: 'not-ours', check: guardNotOurs },
  { name: 'prune-disabled', check: guardPruneDisabled },
];

/** How many live objects are read at once. */
const LOOKUP_CONCURRENCY = 16;

export async function planPrune(context: PruneContext): Promise<PrunePlan> {
  const candidates = subtractRefs(context.inventory, context.desired);
  for (const guard of SET_GUARDS) {
    const reason = guard.check(context);
    if (reason !== undefined) return blocked(guard.name, reason, candidates);
  }

  const ctx: PruneContext = { ...context, live: memoize(context.live) };
  const verdicts = await mapLimit(candidates, LOOKUP_CONCURRENCY, (ref) => firstKeep(ref, ctx));
  const kept: KeptObject[] = [];
  const remaining: ObjectRef[] = [];
  candidates.forEach((ref, index) => {
    const verdict = verdicts[index];
    if (verdict === undefined) remaining.push(ref);
    else kept.push({ ref, ...verdict });
  });

  const reason = await guardDeletionBudget(remaining, ctx);
  if (reason !== undefined) return blocked('deletion-budget', reason, remaining);
  return { kind: 'prune', delete: deletionOrder(remaining), kept };
}

function blocked(guard: GuardName, reason: string, candidates: readonly ObjectRef[]): PrunePlan {
  return { kind: 'blocked', guard, reason, candidates: deletionOrder(candidates) };
}

async function firstKeep(
  ref: ObjectRef,
  ctx: PruneContext,
): Promise<{ guard: GuardName; reason: string } | undefined> {
  for (const guard of OBJECT_GUARDS) {
    const reason = await guard.check(ref, ctx);
    if (reason !== undefined) return { guard: guard.name, reason };
  }
  return undefined;
}

/** Each object is read once, however many guards look at it. */
function memoize(
  live: (ref: ObjectRef) => Promise<KubeObject | undefined>,
): (ref: ObjectRef) => Promise<KubeObject | undefined> {
  const seen = new Map<string, Promise<KubeObject | undefined>>();
  return (ref) => {
    const key = refKey(ref);
    let result = seen.get(key);
    if (result === undefined) {
      result = live(ref);
      seen.set(key, result);
    }
    return result;
  };
}
