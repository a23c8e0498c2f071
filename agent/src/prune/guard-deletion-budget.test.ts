import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { deletionLimit, guardDeletionBudget } from './guard-deletion-budget.ts';
import { DEFAULT_DELETION_BUDGET, type PruneContext } from './types.ts';

const SHA = '3f9c2a1e4b5d6c7f8a9b0c1d2e3f4a5b6c7d8e9f';

function configMaps(count: number, namespace = 'shop'): ObjectRef[] {
  return Array.from({ length: count }, (_, i) => ({
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    namespace,
    name: `c${i}`,
  }));
}

const SHOP: ObjectRef = { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'shop' };
const WIDGETS_CRD: ObjectRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  namespace: '',
  name: 'widgets.example.com',
};
const WIDGETS_LIVE: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' } },
};
const widgets = (count: number): ObjectRef[] =>
  configMaps(count).map((ref) => ({ ...ref, group: 'example.com', kind: 'Widget' }));

type BudgetContext = Parameters<typeof guardDeletionBudget>[1];

function context(inventorySize: number, overrides: Partial<PruneContext> = {}): BudgetContext {
  return {
    inventory: configMaps(inventorySize, 'inventory'),
    budget: DEFAULT_DELETION_BUDGET,
    allowedRevision: undefined,
    revisionSha: SHA,
    countContents: () => Promise.resolve(0),
    live: () => Promise.resolve(undefined),
    ...overrides,
  };
}

describe('deletionLimit', () => {
  const cases: { name: string; size: number; limit: number }[] = [
    { name: 'a small inventory may always lose ten objects', size: 12, limit: 10 },
    { name: 'a large inventory may lose a quarter of itself', size: 100, limit: 25 },
    { name: 'a quarter is rounded down', size: 103, limit: 25 },
    { name: 'a huge inventory may lose fifty objects at most', size: 10_000, limit: 50 },
  ];
  for (const { name, size, limit } of cases) {
    it(name, () => {
      assert.equal(deletionLimit(DEFAULT_DELETION_BUDGET, size), limit);
    });
  }
});

describe('guard deletion-budget', () => {
  const cases: { name: string; candidates: ObjectRef[]; ctx: BudgetContext; blocks: RegExp | undefined }[] = [
    { name: 'nothing to delete is always within budget', candidates: [], ctx: context(0), blocks: undefined },
    {
      name: 'deleting a quarter of a large inventory is within budget',
      candidates: configMaps(25),
      ctx: context(100),
      blocks: undefined,
    },
    {
      name: 'deleting more than a quarter of a large inventory is blocked',
      candidates: configMaps(26),
      ctx: context(100),
      blocks: /would delete 26 objects \(26 from the inventory\) from an inventory of 100; the limit is 25/,
    },
    {
      name: 'a small inventory may lose up to ten objects but not eleven',
      candidates: configMaps(11),
      ctx: context(12),
      blocks: /would delete 11 objects .* the limit is 10/,
    },
    {
      name: 'no sync deletes more than fifty objects, however large the inventory',
      candidates: configMaps(51),
      ctx: context(1000),
      blocks: /the limit is 50 \(25% of the inventory, at least 10, at most 50\)/,
    },
    {
      name: 'a Namespace deletion counts the objects inside it against the budget',
      candidates: [SHOP],
      ctx: context(40, { countContents: () => Promise.resolve(30) }),
      blocks: /would delete 31 objects \(1 from the inventory, plus 30 inside Namespace\/shop\)/,
    },
    {
      name: 'objects inside a deleted Namespace that are candidates themselves count once',
      candidates: [SHOP, ...configMaps(5)],
      ctx: context(40, { countContents: () => Promise.resolve(5) }),
      blocks: undefined,
    },
    {
      name: 'a CRD deletion counts its custom resources against the budget, once each',
      candidates: [WIDGETS_CRD, ...widgets(2)],
      ctx: context(40, {
        countContents: () => Promise.resolve(20),
        live: () => Promise.resolve(WIDGETS_LIVE),
      }),
      blocks:
        /delete 21 objects \(3 from the inventory, plus 18 inside CustomResourceDefinition\.apiextensions/,
    },
    {
      name: 'a CRD that cannot be read counts all its custom resources on top of the candidates',
      candidates: [WIDGETS_CRD, ...widgets(2)],
      ctx: context(40, { countContents: () => Promise.resolve(8) }),
      blocks: /delete 11 objects/,
    },
    {
      name: 'what a Namespace would take with it must be countable, or nothing is pruned',
      candidates: [SHOP],
      ctx: context(40, { countContents: () => Promise.reject(new Error('list forbidden')) }),
      blocks: /cannot count what Namespace\/shop would take with it \(list forbidden\); nothing is pruned/,
    },
    {
      name: 'an empty allowed revision lifts nothing',
      candidates: configMaps(26),
      ctx: context(100, { allowedRevision: '', revisionSha: '' }),
      blocks: /the limit is 25/,
    },
  ];
  for (const { name, candidates, ctx, blocks } of cases) {
    it(name, async () => {
      const reason = await guardDeletionBudget(candidates, ctx);
      if (blocks === undefined) assert.equal(reason, undefined);
      else assert.match(reason ?? '', blocks);
    });
  }

  it('says how to allow exactly this revision', async () => {
    const reason = await guardDeletionBudget(configMaps(26), context(100));
    assert.match(reason ?? '', new RegExp(`annotate the GitSync with ferry.dev/allow-deletions=${SHA}`));
    assert.match(reason ?? '', new RegExp(`or pass --allow-deletions ${SHA}$`));
  });

  it('the allowed revision lifts the budget once, for that revision only', async () => {
    const allowed = context(100, { allowedRevision: SHA, revisionSha: SHA });
    assert.equal(await guardDeletionBudget(configMaps(60), allowed), undefined);
    const next = context(100, { allowedRevision: SHA, revisionSha: 'b'.repeat(40) });
    assert.match((await guardDeletionBudget(configMaps(60), next)) ?? '', /the limit is 25/);
  });
});
