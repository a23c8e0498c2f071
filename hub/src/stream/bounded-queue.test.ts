import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBoundedQueue } from './bounded-queue.ts';

describe("a subscriber's bounded queue", () => {
  it('refuses the item that would pass the item bound, and keeps what it had', () => {
    const queue = createBoundedQueue<string>({ maxItems: 2, maxBytes: 1000 });
    assert.equal(queue.push('a', 1), true);
    assert.equal(queue.push('b', 1), true);
    assert.equal(queue.push('c', 1), false);
    assert.deepEqual([queue.items, queue.bytes], [2, 2]);
  });

  it('refuses the item that would pass the byte bound', () => {
    const queue = createBoundedQueue<string>({ maxItems: 100, maxBytes: 10 });
    assert.equal(queue.push('a', 6), true);
    assert.equal(queue.push('b', 5), false);
    assert.equal(queue.push('c', 4), true);
    assert.equal(queue.bytes, 10);
  });

  it('takes the oldest first, at least one, up to a byte budget', () => {
    const queue = createBoundedQueue<string>({ maxItems: 100, maxBytes: 100 });
    for (const [item, bytes] of [
      ['a', 30],
      ['b', 30],
      ['c', 30],
    ] as const)
      queue.push(item, bytes);
    assert.deepEqual(queue.take(10), ['a']);
    assert.deepEqual(queue.take(60), ['b', 'c']);
    assert.deepEqual(queue.take(60), []);
    assert.deepEqual([queue.items, queue.bytes], [0, 0]);
  });
});
