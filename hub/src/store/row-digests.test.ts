import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestSnapshot, keptDigests, planWrites } from './row-digests.ts';
import { ref, resource } from './test-store.ts';
import type { ResourceRecord } from './types.ts';

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
    const stored = keptDigests(digests([resource('a'), resource('b'), resource('c')]));
    const changed = resource('b', { drifted: true });
    const plan = planWrites(stored, digests([resource('a'), changed, resource('c'), resource('d')]));
    assert.deepEqual(plan.kind === 'write' ? { ...plan, write: [...plan.write].sort() } : plan, {
      kind: 'write',
      write: [1, 3],
      unchanged: 2,
    });
  });

  it('cannot name a stored row that vanished', () => {
    const stored = keptDigests(digests([resource('a'), resource('b')]));
    assert.deepEqual(planWrites(stored, digests([resource('a'), resource('c')])), { kind: 'vanished' });
    assert.deepEqual(planWrites(stored, digests([])), { kind: 'vanished' });
  });
});
