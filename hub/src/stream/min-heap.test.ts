import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKeyedMinHeap, createMinHeap, KEYED_HEAP_SLACK, type MinHeap } from './min-heap.ts';

const drain = <T>(heap: MinHeap<T>): T[] => {
  const out: T[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
};

/** A fixed pseudo-random sequence, so a failure can be replayed. */
const numbers = (count: number, seed = 7): number[] => {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % 1000;
  });
};

describe('the min-heap', () => {
  it('is empty at first: nothing to peek or pop', () => {
    const heap = createMinHeap<number>((a, b) => a < b);
    assert.equal(heap.size, 0);
    assert.equal(heap.peek(), undefined);
    assert.equal(heap.pop(), undefined);
    assert.equal(heap.size, 0);
  });

  it('hands items out least first, duplicates included', () => {
    const heap = createMinHeap<number>((a, b) => a < b);
    const input = numbers(2000);
    for (const n of input) heap.push(n);
    assert.equal(heap.size, 2000);
    assert.equal(heap.peek(), Math.min(...input));
    assert.deepEqual(
      drain(heap),
      [...input].sort((a, b) => a - b),
    );
    assert.equal(heap.size, 0);
  });

  it('keeps its order when pushes and pops interleave', () => {
    const heap = createMinHeap<number>((a, b) => a < b);
    const held: number[] = [];
    for (const [i, n] of numbers(3000, 11).entries()) {
      if (i % 3 === 2) {
        held.sort((a, b) => a - b);
        assert.equal(heap.pop(), held.shift());
      } else {
        heap.push(n);
        held.push(n);
      }
      assert.equal(heap.size, held.length);
    }
  });

  it('is rebuilt from any items, which replace what it held', () => {
    const heap = createMinHeap<number>((a, b) => a < b);
    for (const n of [5, 1, 9]) heap.push(n);
    const input = numbers(501, 3);
    heap.reset(input);
    assert.equal(heap.size, 501);
    assert.deepEqual(
      drain(heap),
      [...input].sort((a, b) => a - b),
    );
    heap.reset([]);
    assert.equal(heap.size, 0);
  });

  it('orders by the caller’s rule: objects by a key, or largest first', () => {
    const byAt = createMinHeap<{ at: number; name: string }>((a, b) => a.at < b.at);
    byAt.push({ at: 30, name: 'c' });
    byAt.push({ at: 10, name: 'a' });
    byAt.push({ at: 20, name: 'b' });
    assert.deepEqual(
      drain(byAt).map((e) => e.name),
      ['a', 'b', 'c'],
    );
    const largest = createMinHeap<number>((a, b) => a > b);
    for (const n of [3, 8, 1]) largest.push(n);
    assert.deepEqual(drain(largest), [8, 3, 1]);
  });
});

describe('the keyed min-heap', () => {
  it('pops the keys up to a limit, least first, and tells the least left', () => {
    const heap = createKeyedMinHeap<string>();
    heap.set('c', 30);
    heap.set('a', 10);
    heap.set('b', 20);
    assert.equal(heap.least(), 10);
    assert.deepEqual(heap.popUpTo(9), []);
    assert.deepEqual(heap.popUpTo(20), ['a', 'b']);
    assert.equal(heap.get('a'), undefined);
    assert.equal(heap.size, 1);
    assert.equal(heap.least(), 30);
    assert.deepEqual(heap.popUpTo(100), ['c']);
    assert.equal(heap.least(), undefined);
  });

  it('counts a key by its last priority only, earlier or later', () => {
    const heap = createKeyedMinHeap<string>();
    heap.set('a', 10);
    heap.set('b', 15);
    heap.set('a', 50);
    assert.equal(heap.least(), 15, 'a moved later: its entry at 10 no longer counts');
    heap.set('b', 5);
    assert.deepEqual(heap.popUpTo(40), ['b'], 'b moved earlier, and comes out once');
    heap.set('a', 10);
    heap.set('a', 50);
    heap.set('a', 10);
    assert.deepEqual(heap.popUpTo(100), ['a'], 'a key set back to an old priority comes out once');
    assert.equal(heap.size, 0);
  });

  it('drops a deleted key', () => {
    const heap = createKeyedMinHeap<string>();
    heap.set('a', 10);
    heap.set('b', 20);
    heap.delete('a');
    heap.delete('nowhere');
    assert.equal(heap.least(), 20);
    assert.deepEqual(heap.popUpTo(100), ['b']);
  });

  it('takes no new entry for a key set to the priority it has', () => {
    const heap = createKeyedMinHeap<string>();
    for (let i = 0; i < 1000; i += 1) heap.set('a', 10);
    assert.equal(heap.entries, 1);
  });

  it('stays within twice its keys plus the slack under 100,000 moves of 100 keys', () => {
    const heap = createKeyedMinHeap<string>();
    const names = Array.from({ length: 100 }, (_, i) => `c${String(i)}`);
    let most = 0;
    for (let i = 0; i < 100_000; i += 1) {
      heap.set(names[i % 100] ?? 'c0', 1000 + i);
      most = Math.max(most, heap.entries);
    }
    assert.ok(most <= 2 * 100 + KEYED_HEAP_SLACK, `the heap held ${String(most)} entries`);
    assert.equal(heap.size, 100);
    assert.equal(heap.least(), 1000 + 100_000 - 100);
    assert.deepEqual(heap.popUpTo(Infinity), names, 'each key once, by its last priority');
    for (const name of names) heap.set(name, 1);
    for (const name of names) heap.delete(name);
    assert.ok(heap.entries <= KEYED_HEAP_SLACK, 'forgetting every key empties the heap too');
  });
});
