// One sync, top to bottom: fetch → render → resolve → inventory (written ahead) → apply in stages →
// prune through guards → inventory. Each stage's failure is typed data in the report; nothing after a
// failed stage deletes anything.
import { refKey, type ObjectRef } from '@ferry/shared';
import { applyRevision, type ApplyRevisionOptions } from './engine/apply-revision.ts';
import { resolveDesired } from './engine/desired.ts';
import type { DesiredMemo } from './engine/desired-memo.ts';
import type { DigestMemo } from './engine/digest-memo.ts';
import { deleteObjects } from './engine/prune-objects.ts';
import type { ChangeSetEntry } from './engine/types.ts';
import { inventoryOf } from './inventory/codec.ts';
import { InventoryStore } from './inventory/store.ts';
import type { Inventory, SyncIdentity } from './inventory/types.ts';
import type { KubeApi } from './kube/index.ts';
import { countContents } from './prune/count-contents.ts';
import { ALREADY_ABSENT } from './prune/guard-not-ours.ts';
import { planPrune } from './prune/plan-prune.ts';
import type { DeletionBudget, PrunePlan, UpstreamStage } from './prune/types.ts';
import { ParseCache, render, RenderMemo, type RenderError, type RenderOptions } from './render/index.ts';
import { isRenderInput } from './render/index.ts';
import {
  fetchSource,
  SourceError,
  type CommitInfo,
  type FetchSourceOptions,
  type HistoryRelation,
  type SourceErrorCode,
  type SourceSpec,
} from './source/index.ts';

export interface SyncOptions {
  readonly source: SourceSpec;
  readonly fetch: Omit<FetchSourceOptions, 'wantFile'>;
  readonly render: RenderOptions;
  /** Parsed files kept between syncs (the agent's loop passes one; a one-shot sync need not). */
  readonly parseCache?: ParseCache;
  /** Manifest digests kept between syncs (the agent's loop passes one; a one-shot sync need not). */
  readonly digests?: DigestMemo;
  /** The last render and the desired objects made of it, kept between syncs (the agent's loop). */
  readonly renders?: RenderMemo;
  readonly desiredObjects?: DesiredMemo;
  readonly apply: ApplyRevisionOptions;
  /** The GitSync this sync acts for: ownership labels name it. */
  readonly owner: SyncIdentity;
  /** Where the inventory ConfigMap lives. */
  readonly inventory: { readonly namespace: string; readonly name: string };
  readonly prune: {
    readonly enabled: boolean;
    readonly allowEmpty: boolean;
    readonly budget: DeletionBudget;
    readonly allowedRevision: string | undefined;
  };
  /** Objects never pruned: the agent's own namespace, CRD, RBAC, inventory and configuration. */
  readonly protectedRefs: (ref: ObjectRef) => boolean;
  /** Create the inventory's namespace when it is missing (the command line; the agent's install has it). */
  readonly ensureNamespace: boolean;
}

export const SYNC_RESULTS = ['applied', 'failed', 'prune-blocked', 'planned'] as const;
export type SyncResult = (typeof SYNC_RESULTS)[number];

export interface SyncReport {
  readonly result: SyncResult;
  readonly revision: string | undefined;
  readonly commit: CommitInfo | undefined;
  readonly history: HistoryRelation | undefined;
  readonly changeSet: readonly ChangeSetEntry[];
  readonly pruned: readonly ChangeSetEntry[];
  readonly prune: PrunePlan | undefined;
  readonly failure:
    | {
        readonly step: UpstreamStage | 'prune' | 'inventory';
        readonly message: string;
        /** The source error's code, when the fetch failed. */
        readonly code?: SourceErrorCode;
      }
    | undefined;
  readonly renderErrors: readonly RenderError[];
  readonly durationMs: number;
  /** Milliseconds spent in each step that ran. */
  readonly timings: Readonly<Partial<Record<SyncStep, number>>>;
}

export type SyncStep = 'fetch' | 'render' | 'resolve' | 'inventory' | 'apply' | 'prune';

const EMPTY = { changeSet: [], pruned: [], prune: undefined, renderErrors: [] } as const;

export async function syncOnce(kube: KubeApi, options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const timings: Partial<Record<SyncStep, number>> = {};
  let lapStart = started;
  const lap = (step: SyncStep): void => {
    const now = Date.now();
    timings[step] = (timings[step] ?? 0) + now - lapStart;
    lapStart = now;
  };
  const done = (report: Omit<SyncReport, 'durationMs' | 'timings'>): SyncReport => ({
    ...report,
    durationMs: Date.now() - started,
    timings,
  });

  // 1. Fetch.
  let fetched;
  try {
    fetched = await fetchSource(options.source, { ...options.fetch, wantFile: isRenderInput });
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return done({
      ...EMPTY,
      result: 'failed',
      revision: undefined,
      commit: undefined,
      history: undefined,
      failure: { step: 'fetch', message: error.message, code: error.code },
    });
  }
  const head = { revision: fetched.revision, commit: fetched.commit, history: fetched.history.relation };
  lap('fetch');

  // 2. Render (a commit, path and options rendered last time: the same objects again).
  const renderKey = RenderMemo.keyOf(fetched.commit.sha, options.source.path, options.render);
  const known = options.renders?.get(renderKey);
  const rendered =
    known !== undefined
      ? { ok: true as const, objects: known }
      : render(fetched.files, options.render, options.parseCache);
  if (rendered.ok) options.renders?.set(renderKey, rendered.objects);
  lap('render');
  if (!rendered.ok) {
    return done({
      ...EMPTY,
      ...head,
      result: 'failed',
      renderErrors: rendered.errors,
      failure: { step: 'render', message: `${rendered.errors.length} render error(s)` },
    });
  }

  // 3. Resolve kinds and scopes; label for ownership.
  const desired = await resolveDesired(kube, rendered.objects, options.owner, {
    ...(options.digests !== undefined ? { digests: options.digests } : {}),
    ...(options.desiredObjects !== undefined ? { desired: options.desiredObjects } : {}),
  });
  const desiredRefs = desired.objects.map((object) => object.ref);
  lap('resolve');

  // 4. Inventory, written ahead: old ∪ desired, so that a crash never forgets an object.
  if (options.ensureNamespace && !options.apply.dryRun)
    await ensureNamespace(kube, options.inventory.namespace);
  const store = new InventoryStore(kube, options.inventory);
  const loaded = await store.load();
  let stored = { inventory: loaded.inventory, resourceVersion: loaded.resourceVersion };
  // An inventory that would not change is not written: a sync with nothing to do writes nothing.
  const save = async (next: Inventory): Promise<void> => {
    if (sameEntries(next, stored.inventory) && stored.resourceVersion !== undefined) return;
    stored = { inventory: next, resourceVersion: await store.save(next, stored.resourceVersion) };
  };
  if (!options.apply.dryRun) await save(inventoryOf([...loaded.inventory.entries, ...desiredRefs]));
  lap('inventory');

  // 5. Apply in stages.
  const applied = await applyRevision(kube, desired, options.apply);
  lap('apply');
  const upstreamFailed = applied.failure?.step;

  // 6. Prune = inventory − desired, through the guards.
  if (!options.prune.enabled || options.apply.dryRun) {
    return done({
      ...EMPTY,
      ...head,
      result: upstreamFailed ? 'failed' : options.apply.dryRun ? 'planned' : 'applied',
      changeSet: applied.changeSet,
      failure: applied.failure,
    });
  }
  const plan = await planPrune({
    inventory: loaded.inventory.entries,
    desired: desiredRefs,
    upstreamFailed,
    failedDiscoveryKinds: desired.unresolvedKinds,
    allowEmpty: options.prune.allowEmpty,
    protectedRefs: options.protectedRefs,
    budget: options.prune.budget,
    allowedRevision: options.prune.allowedRevision,
    revisionSha: fetched.commit.sha,
    live: (ref) => kube.get(ref),
    countContents: (ref) => countContents(kube, ref),
    owner: options.owner,
  });
  if (plan.kind === 'blocked') {
    const failure = applied.failure ?? { step: 'prune' as const, message: plan.reason };
    return done({
      ...EMPTY,
      ...head,
      result: applied.failure ? 'failed' : 'prune-blocked',
      changeSet: applied.changeSet,
      prune: plan,
      failure,
    });
  }
  const deletion = await deleteObjects(kube, plan.delete, options.owner);

  // 7. Inventory: desired ∪ what failed to delete ∪ what a guard kept.
  // Objects a guard kept stay owned, except those already gone and those with prune disabled, which
  // are let go (orphaned) as Flux does.
  const keep = new Set(
    plan.kept
      .filter((kept) => kept.reason !== ALREADY_ABSENT && kept.guard !== 'prune-disabled')
      .map((kept) => refKey(kept.ref)),
  );
  const kept = loaded.inventory.entries.filter((ref) => keep.has(refKey(ref)));
  await save(inventoryOf([...desiredRefs, ...deletion.failed, ...kept]));
  lap('prune');
  const pruneFailed =
    deletion.failed.length > 0
      ? { step: 'prune' as const, message: `${deletion.failed.length} object(s) failed to delete` }
      : undefined;
  return done({
    ...EMPTY,
    ...head,
    result: applied.failure || pruneFailed ? 'failed' : 'applied',
    changeSet: applied.changeSet,
    pruned: deletion.entries,
    prune: plan,
    failure: applied.failure ?? pruneFailed,
  });
}

async function ensureNamespace(kube: KubeApi, name: string): Promise<void> {
  const ref = { group: '', version: 'v1', kind: 'Namespace', namespace: '', name };
  if ((await kube.get(ref)) !== undefined) return;
  await kube.apply(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'ferry' } },
    },
    { fieldManager: 'ferry', force: true, dryRun: false },
  );
}

function sameEntries(a: Inventory, b: Inventory): boolean {
  const key = (inventory: Inventory): string =>
    inventory.entries.map((ref) => `${refKey(ref)}|${ref.version}`).join('\n');
  return key(a) === key(b);
}
