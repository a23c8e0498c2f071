import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, newCluster, ref, resource, T0, tempStore } from './test-store.ts';
import type { AgentRecord, ResourceRecord, SnapshotChunk } from './types.ts';

let seq = 0;
function chunk(snapshotId: string, index: number, last: boolean, resources: ResourceRecord[]): AgentRecord {
  seq += 1;
  const part: SnapshotChunk = { snapshotId, digest: `digest-${snapshotId}`, index, last, resources };
  return { epoch: 'e', seq, type: 'snapshot-chunk', chunk: part };
}

describe('resource snapshots in chunks', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  const names = (): string[] => store.resources('c1', { limit: 100 }).items.map((r) => r.ref.name);

  it('shows nothing until the first snapshot’s last chunk has arrived', () => {
    const result = store.applyAgentBatch(
      'c1',
      [chunk('s1', 0, false, [resource('a'), resource('b')])],
      at(1),
    );
    assert.deepEqual(result.ok ? result.completedSnapshots : undefined, []);
    assert.deepEqual(names(), []);
    assert.equal(store.snapshotMeta('c1'), undefined);
  });

  it('replaces the stored resources when the last chunk arrives, in a later batch', () => {
    const result = store.applyAgentBatch('c1', [chunk('s1', 1, true, [resource('c')])], at(2));
    assert.deepEqual(result.ok ? result.completedSnapshots : undefined, ['s1']);
    assert.deepEqual(names(), ['a', 'b', 'c']);
    assert.deepEqual(store.snapshotMeta('c1'), { snapshotId: 's1', digest: 'digest-s1', completedAt: at(2) });
  });

  it('keeps the previous snapshot while the next is incomplete, then swaps it whole', () => {
    store.applyAgentBatch('c1', [chunk('s2', 0, false, [resource('x')])], at(3));
    assert.deepEqual(names(), ['a', 'b', 'c']);
    assert.equal(store.snapshotMeta('c1')?.snapshotId, 's1');
    store.applyAgentBatch('c1', [chunk('s2', 1, true, [resource('y')])], at(4));
    assert.deepEqual(names(), ['x', 'y']);
    assert.equal(store.snapshotMeta('c1')?.snapshotId, 's2');
  });

  it('abandons a snapshot whose chunk arrives out of order, and a newer snapshot abandons an older one', () => {
    const gap = store.applyAgentBatch(
      'c1',
      [chunk('s3', 0, false, [resource('p')]), chunk('s3', 2, true, [])],
      at(5),
    );
    assert.deepEqual(gap.ok ? [gap.abandonedSnapshots, gap.snapshotNeeded] : undefined, [['s3'], true]);
    store.applyAgentBatch('c1', [chunk('s4', 0, false, [resource('q')])], at(6));
    store.applyAgentBatch('c1', [chunk('s5', 0, true, [resource('r')])], at(7));
    const late = store.applyAgentBatch('c1', [chunk('s4', 1, true, [])], at(8));
    assert.deepEqual(late.ok ? late.abandonedSnapshots : undefined, ['s4']);
    assert.deepEqual(names(), ['r']);
  });

  it('ignores a later chunk of a snapshot already complete', () => {
    store.applyAgentBatch('c1', [chunk('s5', 1, true, [resource('zzz')])], at(9));
    assert.deepEqual(names(), ['r']);
  });

  it('moves the stored snapshot on with deltas: upserts, deletes and the new digest', () => {
    store.applyAgentBatch(
      'c1',
      [
        {
          epoch: 'e',
          seq: (seq += 1),
          type: 'resource-delta',
          delta: {
            upserts: [
              resource('r', { health: { status: 'InProgress', message: '1 of 2 updated' } }),
              resource('s'),
            ],
            deletes: [ref('nothing')],
            digest: 'digest-after-delta',
          },
        },
      ],
      at(10),
    );
    const items = store.resources('c1', { limit: 10 }).items;
    assert.deepEqual(
      items.map((r) => [r.ref.name, r.health.status]),
      [
        ['r', 'InProgress'],
        ['s', 'Current'],
      ],
    );
    assert.equal(store.snapshotMeta('c1')?.digest, 'digest-after-delta');
    store.applyAgentBatch(
      'c1',
      [{ epoch: 'e', seq: (seq += 1), type: 'resource-delta', delta: { upserts: [], deletes: [ref('s')] } }],
      at(11),
    );
    assert.deepEqual(names(), ['r']);
  });

  it('does not apply a delta on a snapshot the hub does not hold, and asks for a full one', () => {
    const delta = { snapshotId: 's-unknown', upserts: [resource('ghost')], deletes: [] };
    const result = store.applyAgentBatch(
      'c1',
      [{ epoch: 'e', seq: (seq += 1), type: 'resource-delta', delta }],
      at(11),
    );
    assert.deepEqual(result.ok ? result.snapshotNeeded : undefined, true);
    assert.deepEqual(names(), ['r']);
    const held = { snapshotId: 's5', upserts: [resource('t')], deletes: [] };
    const applied = store.applyAgentBatch(
      'c1',
      [{ epoch: 'e', seq: (seq += 1), type: 'resource-delta', delta: held }],
      at(11),
    );
    assert.deepEqual(applied.ok ? applied.snapshotNeeded : undefined, false);
    assert.deepEqual(names(), ['r', 't']);
  });

  it('lists every stored resource for the digest, once a snapshot is complete', () => {
    assert.deepEqual(
      store.snapshotResources('c1')?.map((r) => r.ref.name),
      ['r', 't'],
    );
    assert.equal(store.snapshotResources('nowhere'), undefined);
  });

  it('starts a snapshot over at chunk 0, under the id of one being staged or already complete', () => {
    store.applyAgentBatch('c1', [chunk('s7', 0, false, [resource('k')]), chunk('s7', 1, false, [])], at(20));
    const again = store.applyAgentBatch(
      'c1',
      [chunk('s7', 0, false, [resource('m')]), chunk('s7', 1, true, [resource('n')])],
      at(21),
    );
    assert.deepEqual(again.ok ? [again.completedSnapshots, again.snapshotNeeded] : undefined, [
      ['s7'],
      false,
    ]);
    assert.deepEqual(names(), ['m', 'n'], 'nothing of the first attempt');
    // The same id again (an agent's id is often its digest, and its state came back): a new snapshot.
    store.applyAgentBatch('c1', [chunk('s7', 0, false, [resource('o')])], at(22));
    assert.deepEqual(names(), ['m', 'n'], 'the stored resources stay until the last chunk');
    assert.equal(store.snapshotMeta('c1'), undefined, 'no complete snapshot while it is staged');
    assert.equal(store.snapshotResources('c1'), undefined);
    store.applyAgentBatch('c1', [chunk('s7', 1, true, [resource('p')])], at(23));
    assert.deepEqual(names(), ['o', 'p']);
    assert.deepEqual(store.snapshotMeta('c1'), {
      snapshotId: 's7',
      digest: 'digest-s7',
      completedAt: at(23),
    });
  });

  it('stores a resource’s identity, health, last action and drift flag, and nothing else', () => {
    const cm: ResourceRecord = {
      ref: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'settings' },
      health: { status: 'Current', message: 'exists' },
      lastAction: undefined,
      drifted: true,
    };
    store.applyAgentBatch('c1', [chunk('s6', 0, true, [cm])], at(12));
    assert.deepEqual(store.resources('c1', { limit: 10 }).items, [cm]);
  });
});
