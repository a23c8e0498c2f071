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
