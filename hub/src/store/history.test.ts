import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, newCluster, sync, T0, tempStore } from './test-store.ts';
import type { AgentRecord } from './types.ts';

describe('sync history', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  const records: AgentRecord[] = [1, 2, 3, 4, 5].map((n) => ({
    epoch: 'e',
    seq: n,
    type: 'sync',
    // Two syncs start in the same millisecond: the page order still holds them apart.
    sync: sync(`s${n}`, at(n === 3 ? 2 : n)),
  }));
  store.applyAgentBatch('c1', records, at(10));

  it('is newest first, by start time, and pages with a cursor to older syncs', () => {
    const first = store.history('c1', { limit: 2 });
    assert.deepEqual(
      first.items.map((s) => s.syncId),
      ['s5', 's4'],
    );
    const second = store.history('c1', { limit: 2, before: first.next });
    assert.deepEqual(
      second.items.map((s) => s.syncId),
      ['s3', 's2'],
    );
    const third = store.history('c1', { limit: 2, before: second.next });
    assert.deepEqual(
      third.items.map((s) => s.syncId),
      ['s1'],
    );
    assert.equal(third.next, undefined);
  });

  it('keeps its pages stable while new syncs arrive', () => {
    const first = store.history('c1', { limit: 2 });
    store.applyAgentBatch('c1', [{ epoch: 'e', seq: 6, type: 'sync', sync: sync('s6', at(6)) }], at(11));
    const second = store.history('c1', { limit: 2, before: first.next });
    assert.deepEqual(
      second.items.map((s) => s.syncId),
      ['s3', 's2'],
    );
  });

  it('returns an empty page for an unknown cluster', () => {
    assert.deepEqual(store.history('nowhere', { limit: 2 }), { items: [] });
  });
});
