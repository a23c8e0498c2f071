import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRing } from './ring-buffer.ts';

const entry = (seq: number, bytes = 10) => ({ seq, bytes });

describe('the ring of recent events', () => {
  it('gives the events after a seq it still holds, and none after the last', () => {
    const ring = createRing({ maxEvents: 10, maxBytes: 1000 });
    assert.deepEqual(ring.after(0), []);
    for (let seq = 1; seq <= 5; seq += 1) ring.push(entry(seq));
    assert.deepEqual(
      ring.after(2)?.map((e) => e.seq),
      [3, 4, 5],
    );
    assert.deepEqual(ring.after(0)?.length, 5);
    assert.deepEqual(ring.after(5), []);
  });

  it('cannot replay once events after the seq were evicted (by count or by bytes)', () => {
    const ring = createRing({ maxEvents: 3, maxBytes: 1000 });
    for (let seq = 1; seq <= 5; seq += 1) ring.push(entry(seq));
    assert.equal(ring.size, 3);
    assert.equal(ring.after(1), undefined, 'event 2 is gone');
    assert.deepEqual(
      ring.after(2)?.map((e) => e.seq),
      [3, 4, 5],
    );
    const small = createRing({ maxEvents: 100, maxBytes: 25 });
    for (let seq = 1; seq <= 4; seq += 1) small.push(entry(seq));
    assert.equal(small.bytes, 20);
    assert.equal(small.after(1), undefined);
    assert.deepEqual(
      small.after(2)?.map((e) => e.seq),
      [3, 4],
    );
  });

  it('does not know a seq later than its last (an id of another process)', () => {
    const ring = createRing({ maxEvents: 3, maxBytes: 1000 });
    ring.push(entry(1));
    assert.equal(ring.after(7), undefined);
    assert.equal(ring.after(-1), undefined);
    assert.throws(() => {
      ring.push(entry(1));
    }, /not after 1/);
  });
});
