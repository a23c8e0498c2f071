import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refKey, type ObjectRef } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { planPrune } from './plan-prune.ts';
import { DEFAULT_DELETION_BUDGET, type PruneContext, type PrunePlan } from './types.ts';

const OWNER = { namespace: 'ferry-system', name: 'shop' };
const OUR_LABELS = { 'ferry.dev/sync-namespace': 'ferry-system', 'ferry.dev/sync-name': 'shop' };

const ref = (kind: string, namespace: string, name: string, group = ''): ObjectRef => ({
  group,
  version: 'v1',
  kind,
  namespace,
  name,
});
const WEB = ref('Deployment', 'shop', 'web', 'apps');
const OLD = ref('Deployment', 'shop', 'old', 'apps');
const CACHE = ref('ConfigMap', 'shop', 'cache');
const ROLE = ref('ClusterRole', '', 'reader', 'rbac.authorization.k8s.io');
const SHOP = ref('Namespace', '', 'shop');
const AGENT_NS = ref('Namespace', '', 'ferry-system');
const WIDGET = ref('Widget', 'shop', 'w', 'example.com');
const manyMaps = (count: number): ObjectRef[] =>
  Array.from({ length: count }, (_, i) => ref('ConfigMap', 'shop', `m${i}`));

function blockedPlan(plan: PrunePlan): Extract<PrunePlan, { kind: 'blocked' }> {
  assert.equal(plan.kind, 'blocked', `expected a blocked plan, got ${JSON.stringify(plan)}`);
  return plan;
}

function prunePlan(plan: PrunePlan): Extract<PrunePlan, { kind: 'prune' }> {
  assert.equal(plan.kind, 'prune', `expected a prune plan, got ${JSON.stringify(plan)}`);
  return plan;
}

function liveOf(target: ObjectRef, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  const { kind, namespace, name } = target;
  return { apiVersion: 'v1', kind, metadata: { name, namespace, labels: OUR_LABELS, ...extra } };
}

/** A context over a cluster holding `cluster` objects; every read is recorded in `reads`. */
function context(
  overrides: Partial<PruneContext> & { cluster?: KubeObject[] } = {},
): PruneContext & { reads: string[] } {
  const { cluster = [], ...rest } = overrides;
  const byKey = new Map(
    cluster.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]),
  );
  const reads: string[] = [];
  return {
    reads,
    inventory: [],
    desired: [],
    upstreamFailed: undefined,
    failedDiscoveryKinds: new Set(),
    allowEmpty: false,
    protectedRefs: (r) => refKey(r) === refKey(AGENT_NS),
    budget: DEFAULT_DELETION_BUDGET,
    allowedRevision: undefined,
    revisionSha: 'a'.repeat(40),
    live: (r) => {
      reads.push(refKey(r));
      return Promise.resolve(byKey.get(`${r.kind}/${r.namespace}/${r.name}`));
    },
    countContents: () => Promise.resolve(0),
    owner: OWNER,
    ...rest,
  };
}

describe('planPrune', () => {
  it('a sync whose render failed prunes nothing and reads nothing', async () => {
    const ctx = context({ inventory: [WEB, OLD], desired: [WEB], upstreamFailed: 'render' });
    const plan = blockedPlan(await planPrune(ctx));
    assert.equal(plan.guard, 'upstream-failed');
    assert.deepEqual(plan.candidates, [OLD]);
    assert.deepEqual(ctx.reads, []);
  });

  it('an upstream failure is reported before an empty desired set', async () => {
    const plan = await planPrune(context({ inventory: [WEB], desired: [], upstreamFailed: 'fetch' }));
    assert.equal(blockedPlan(plan).guard, 'upstream-failed');
  });

  it('an empty revision blocks before any object is read', async () => {
    const ctx = context({ inventory: [WEB, OLD], desired: [] });
    const plan = await planPrune(ctx);
    assert.equal(blockedPlan(plan).guard, 'empty-desired');
    assert.deepEqual(ctx.reads, []);
  });

  it('an object still desired under another API version is not a candidate', async () => {
    const ctx = context({
      inventory: [WEB],
      desired: [{ ...WEB, version: 'v1beta1' }],
      cluster: [liveOf(WEB)],
    });
    assert.deepEqual(await planPrune(ctx), { kind: 'prune', delete: [], kept: [] });
  });

  it('each kept object names the first guard that kept it', async () => {
    const ctx = context({
      inventory: [WEB, OLD, CACHE, AGENT_NS, WIDGET, ROLE],
      desired: [WEB],
      failedDiscoveryKinds: new Set(['example.com/Widget']),
      cluster: [
        liveOf(WEB),
        liveOf(OLD, { labels: { app: 'old' } }),
        liveOf(CACHE, { annotations: { 'ferry.dev/prune': 'disabled' } }),
        liveOf(AGENT_NS),
        liveOf(ROLE),
      ],
    });
    const plan = prunePlan(await planPrune(ctx));
    assert.deepEqual(plan.delete, [ROLE]);
    assert.deepEqual(
      plan.kept.map((k) => [k.ref.name, k.guard]),
      [
        ['old', 'not-ours'],
        ['cache', 'prune-disabled'],
        ['ferry-system', 'protected'],
        ['w', 'discovery-failed'],
      ],
    );
    assert.ok(!ctx.reads.includes(refKey(WIDGET)), 'a kind whose discovery failed is never read');
  });

  it('an object already gone is reported as kept, already absent, and not deleted', async () => {
    const plan = await planPrune(context({ inventory: [WEB, OLD], desired: [WEB], cluster: [liveOf(WEB)] }));
    assert.deepEqual(plan, {
      kind: 'prune',
      delete: [],
      kept: [{ ref: OLD, guard: 'not-ours', reason: 'already absent' }],
    });
  });

  it('each live object is read once, however many guards look at it', async () => {
    const ctx = context({ inventory: [OLD], desired: [WEB], cluster: [liveOf(OLD)] });
    await planPrune(ctx);
    assert.deepEqual(ctx.reads, [refKey(OLD)]);
  });

  it('deletes namespaced objects first, then cluster-scoped ones, then Namespaces', async () => {
    const ctx = context({
      inventory: [SHOP, ROLE, OLD, CACHE, WEB],
      desired: [WEB],
      cluster: [liveOf(SHOP), liveOf(ROLE), liveOf(OLD), liveOf(CACHE), liveOf(WEB)],
      countContents: () => Promise.resolve(2),
    });
    const plan = await planPrune(ctx);
    assert.deepEqual(prunePlan(plan).delete, [OLD, CACHE, ROLE, SHOP]);
  });

  it('the budget judges only what the per-object guards let through', async () => {
    const foreign = manyMaps(30);
    const ours = manyMaps(40).slice(30);
    const ctx = context({
      inventory: [WEB, ...foreign, ...ours],
      desired: [WEB],
      cluster: [...foreign.map((r) => liveOf(r, { labels: {} })), ...ours.map((r) => liveOf(r))],
    });
    const plan = prunePlan(await planPrune(ctx));
    assert.equal(plan.delete.length, 10);
    assert.equal(plan.kept.length, 30);
  });

  it('a deletion over budget blocks, listing what it would have deleted', async () => {
    const doomed = manyMaps(12);
    const ctx = context({
      inventory: [WEB, ...doomed],
      desired: [WEB],
      cluster: doomed.map((r) => liveOf(r)),
    });
    const plan = blockedPlan(await planPrune(ctx));
    assert.equal(plan.guard, 'deletion-budget');
    assert.deepEqual(plan.candidates, doomed);
    assert.match(plan.reason, /would delete 12 objects .* the limit is 10/);
  });

  it('the allowed revision lifts the budget for that revision', async () => {
    const doomed = manyMaps(12);
    const sha = 'c'.repeat(40);
    const ctx = context({
      inventory: [WEB, ...doomed],
      desired: [WEB],
      cluster: doomed.map((r) => liveOf(r)),
      allowedRevision: sha,
      revisionSha: sha,
    });
    const plan = await planPrune(ctx);
    assert.equal(prunePlan(plan).delete.length, 12);
  });

  it('reads many objects without losing their order', async () => {
    const all = manyMaps(200);
    const ctx = context({
      inventory: all,
      desired: [WEB],
      cluster: all.map((r, i) => liveOf(r, i % 2 === 0 ? {} : { labels: {} })),
      allowedRevision: 'a'.repeat(40),
    });
    const read = ctx.live;
    // Answers arrive out of order.
    const slowly = async (r: ObjectRef): Promise<KubeObject | undefined> => {
      await new Promise((resolve) => setTimeout(resolve, Number(r.name.slice(1)) % 7));
      return read(r);
    };
    const plan = prunePlan(await planPrune({ ...ctx, live: slowly }));
    assert.deepEqual(
      plan.delete,
      all.filter((_, i) => i % 2 === 0),
    );
    assert.deepEqual(
      plan.kept.map((k) => k.ref),
      all.filter((_, i) => i % 2 === 1),
    );
  });
});
