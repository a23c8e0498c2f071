import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ReadinessRecord } from './types.ts';
import { at, newCluster, ref, T0, tempStore } from './test-store.ts';

const report = (rebuildable: number, scannedAt: Date): ReadinessRecord => ({
  scannedAt,
  rebuildable,
  total: rebuildable + 3,
  notInGit: { count: 2, items: [ref('hand-made', 'ConfigMap'), ref('stray', 'ConfigMap')] },
  data: { count: 1, items: [ref('data-db-0', 'PersistentVolumeClaim')] },
  unknownKinds: ['Certificate.cert-manager.io/v1'],
});

describe('DR readiness in the store', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);

  it('has nothing before the agent reports', () => {
    assert.equal(store.readiness('c1'), undefined);
    assert.equal(store.readinessSummary('c1'), undefined);
    assert.equal(store.readiness('nowhere'), undefined);
  });

  it('keeps the last report whole, and its counts as a summary', () => {
    store.applyAgentBatch(
      'c1',
      [{ epoch: 'e1', seq: 1, type: 'readiness', readiness: report(40, at(10)) }],
      at(10),
    );
    store.applyAgentBatch(
      'c1',
      [{ epoch: 'e1', seq: 2, type: 'readiness', readiness: report(41, at(20)) }],
      at(20),
    );
    assert.deepEqual(store.readiness('c1'), report(41, at(20)));
    assert.deepEqual(store.readinessSummary('c1'), { scannedAt: at(20), rebuildable: 41, total: 44 });
  });

  it('goes with its cluster', () => {
    assert.equal(store.deleteCluster('c1'), true);
    store.createCluster(newCluster('c1'), T0);
    assert.equal(store.readiness('c1'), undefined);
  });
});

describe('DR readiness summaries of many clusters at once', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  // Names JSON must escape, and one SQL LIKE would treat as patterns.
  const names = Array.from({ length: 60 }, (_, i) => `c${String(i)}`).concat([
    'quo"te',
    'back\\slash',
    'é_%',
  ]);
  for (const name of names) store.createCluster(newCluster(name), T0);
  const reported = names.filter((_, i) => i % 3 !== 0);
  for (const [i, name] of reported.entries()) {
    store.applyAgentBatch(
      name,
      [{ epoch: 'e1', seq: 1, type: 'readiness', readiness: report(i, at(i)) }],
      at(i),
    );
  }

  it('reads the clusters that have a report, keyed by name, as the one-cluster summary does', () => {
    const summaries = store.readinessSummaries(names);
    assert.deepEqual([...summaries.keys()].sort(), [...reported].sort());
    for (const name of names) assert.deepEqual(summaries.get(name), store.readinessSummary(name), name);
    assert.deepEqual(summaries.get(reported[4] ?? ''), { scannedAt: at(4), rebuildable: 4, total: 7 });
  });

  it('leaves out clusters with no report and names of no cluster; none asked, none read', () => {
    assert.deepEqual(store.readinessSummaries(['c0', 'nowhere', '%']), new Map());
    assert.deepEqual(store.readinessSummaries([]), new Map());
    const twice = store.readinessSummaries(['c1', 'c1']);
    assert.deepEqual([...twice.keys()], ['c1']);
  });

  it('reads any part of the fleet, a page of the list', () => {
    const page = names.slice(10, 30);
    const summaries = store.readinessSummaries(page);
    assert.deepEqual([...summaries.keys()].sort(), page.filter((name) => reported.includes(name)).sort());
  });
});
