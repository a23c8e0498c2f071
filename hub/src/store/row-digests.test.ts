import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestSnapshot, keepDigests, planWrites, type RowDigests } from './row-digests.ts';
import { ref, resource } from './test-store.ts';
import type { ResourceRecord } from './types.ts';

/** What the cache would hold after storing these resources. */
function kept(resources: ResourceRecord[]): RowDigests {
  const cache = new Map<number, RowDigests>();
  keepDigests(cache, 1, digests(resources));
  const held = cache.get(1);
  assert.ok(held !== undefined);
  return held;
}

function digests(resources: ResourceRecord[]) {
  const snapshot = digestSnapshot(resources);
  assert.ok(snapshot !== undefined);
  return snapshot;
}

describe('resource digests', () => {
  it('keeps one digest per object, the later of a repeated ref', () => {
    const first = resource('a', { health: { status: 'Failed', message: 'crash loop' } });
    const snapshot = digests([first, resource('b'), resource('a')]);
    assert.equal(snapshot.ids.length, 2);
    assert.notEqual(snapshot.ids[0], snapshot.ids[1]);
    assert.deepEqual([...snapshot.sources], [2, 1], 'the later a (index 2), where the first one was');
    assert.equal(snapshot.rests[0], digests([resource('a')]).rests[0], 'and the later one’s rest');
    for (const id of snapshot.ids) assert.ok(Number.isSafeInteger(id) && id >= 0);
  });

  it('tells apart what a joined text would not: field borders, an absent action, the flag', () => {
    const variants: ResourceRecord[] = [
      resource('ab', { ref: { ...ref('ab'), namespace: 'n' } }),
      resource('b', { ref: { ...ref('b'), namespace: 'na' } }),
      resource('x', { lastAction: undefined }),
      resource('x', { lastAction: 'unchanged' }),
      resource('x', { drifted: true }),
      resource('x', { health: { status: 'Current', message: 'a\u0000b' } }),
      resource('x', { health: { status: 'Current', message: 'a' } }),
    ];
    const ids = new Set(variants.slice(0, 2).map((r) => digests([r]).ids[0]));
    assert.equal(ids.size, 2);
    const rests = new Set(variants.slice(2).map((r) => digests([r]).rests[0]));
    assert.equal(rests.size, 5);
  });

  it('plans the writes: new and changed rows, and counts the unchanged', () => {
    const stored = kept([resource('a'), resource('b'), resource('c')]);
    const changed = resource('b', { drifted: true });
    const plan = planWrites(stored, digests([resource('a'), changed, resource('c'), resource('d')]));
    assert.deepEqual(plan.kind === 'write' ? { ...plan, write: [...plan.write].sort() } : plan, {
      kind: 'write',
      write: [1, 3],
      unchanged: 2,
    });
  });

  it('cannot name a stored row that vanished', () => {
    const stored = kept([resource('a'), resource('b')]);
    assert.deepEqual(planWrites(stored, digests([resource('a'), resource('c')])), { kind: 'vanished' });
    assert.deepEqual(planWrites(stored, digests([])), { kind: 'vanished' });
  });

  it('keeps a stored snapshot in the arrays held when the count of rows is the same, else new ones', () => {
    const cache = new Map<number, RowDigests>();
    keepDigests(cache, 7, digests([resource('a'), resource('b')]));
    const held = cache.get(7);
    const next = digests([resource('b', { drifted: true }), resource('c')]);
    keepDigests(cache, 7, next);
    assert.equal(cache.get(7), held, 'the same holder and arrays');
    assert.deepEqual([...(held?.ids ?? [])], [...next.ids]);
    assert.deepEqual([...(held?.rests ?? [])], [...next.rests]);
    const grown = digests([resource('a'), resource('b'), resource('c')]);
    keepDigests(cache, 7, grown);
    assert.deepEqual([...(cache.get(7)?.ids ?? [])], [...grown.ids]);
    assert.notEqual(cache.get(7), held);
  });
});
