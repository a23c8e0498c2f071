// Prune's vocabulary: what it reads (PruneContext) and what it answers (PrunePlan), as typed data.
import type { ObjectRef } from '@ferry/shared';
import type { SyncIdentity } from '../inventory/types.ts';
import type { KubeObject } from '../kube/types.ts';

/** The guards, in the order planPrune runs them. */
export const GUARD_NAMES = [
  'upstream-failed',
  'empty-desired',
  'discovery-failed',
  'protected',
  'not-ours',
  'prune-disabled',
  'deletion-budget',
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

export const UPSTREAM_STAGES = ['fetch', 'render', 'plan', 'apply'] as const;
export type UpstreamStage = (typeof UPSTREAM_STAGES)[number];

/**
 * A sync may delete at most max(minObjects, maxFraction × inventory size) objects, and never more than
 * maxObjects. Objects a Namespace or CRD deletion takes with it count too.
 */
export interface DeletionBudget {
  readonly maxFraction: number;
  readonly minObjects: number;
  readonly maxObjects: number;
}

export const DEFAULT_DELETION_BUDGET: DeletionBudget = Object.freeze({
  maxFraction: 0.25,
  minObjects: 10,
  maxObjects: 50,
});

export interface PruneContext {
  /** What Ferry owns, as last stored. */
  readonly inventory: readonly ObjectRef[];
  /** What this revision renders. */
  readonly desired: readonly ObjectRef[];
  /** The first stage of this sync that failed, if any. */
  readonly upstreamFailed: UpstreamStage | undefined;
  /** Kinds whose discovery failed in this sync, as discoveryKey() builds them: "group/Kind". */
  readonly failedDiscoveryKinds: ReadonlySet<string>;
  /** Prune even when the desired set is empty (the prune policy says so explicitly). */
  readonly allowEmpty: boolean;
  /** True for the agent's own namespace, CRD, RBAC, inventory and configuration. */
  readonly protectedRefs: (ref: ObjectRef) => boolean;
  readonly budget: DeletionBudget;
  /** A revision a person allowed to exceed the budget (GitSync annotation or --allow-deletions). */
  readonly allowedRevision: string | undefined;
  /** The commit SHA being synced. */
  readonly revisionSha: string;
  /** The object as it is in the cluster now; undefined when it is gone. */
  readonly live: (ref: ObjectRef) => Promise<KubeObject | undefined>;
  /** How many objects a Namespace or CRD deletion would take with it, Ferry's or not. */
  readonly countContents: (ref: ObjectRef) => Promise<number>;
  /** The GitSync this agent syncs for: the owner its objects' labels must name. */
  readonly owner: SyncIdentity;
}

export interface KeptObject {
  readonly ref: ObjectRef;
  readonly guard: GuardName;
  readonly reason: string;
}

export type PrunePlan =
  | {
      readonly kind: 'prune';
      /** In deletion order: namespaced objects, cluster-scoped ones, then Namespaces, then CRDs. */
      readonly delete: ObjectRef[];
      readonly kept: KeptObject[];
    }
  | {
      readonly kind: 'blocked';
      readonly guard: GuardName;
      readonly reason: string;
      /** What would have been deleted had the guard let it through. */
      readonly candidates: ObjectRef[];
    };

/** A guard over one object: the reason to keep it, or undefined to let it through. */
export type ObjectGuard = (
  ref: ObjectRef,
  ctx: PruneContext,
) => string | undefined | Promise<string | undefined>;
