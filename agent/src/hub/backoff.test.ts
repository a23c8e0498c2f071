import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from './backoff.ts';
import { HintLimiter } from './hint-limiter.ts';

const OPTIONS = { minMs: 1_000, maxMs: 60_000, floorMs: 100 };

describe('Backoff', () => {
  it('doubles its ceiling from 1 s up to the cap of 60 s', () => {
    const backoff = new Backoff(OPTIONS, () => 0.999_999);
    const waits = Array.from({ length: 9 }, () => backoff.next());
    assert.deepEqual(waits, [999, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999]);
  });

  it('waits a random share of the ceiling (full jitter), never less than the floor', () => {
    const draws = [0.5, 0.25, 0];
    const backoff = new Backoff(OPTIONS, () => draws.shift() ?? 0);
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [500, 500, 100]);
  });

  it('starts over after a reset', () => {
    const backoff = new Backoff(OPTIONS, () => 0.999_999);
    for (let i = 0; i < 5; i++) backoff.next();
    backoff.reset();
    assert.equal(backoff.ceilingMs, 1_000);
  });

  it('goes straight to the cap for a refusal that waiting will not fix', () => {
    const backoff = new Backoff(OPTIONS, () => 0.999_999);
    backoff.toCap();
    assert.equal(backoff.next(), 59_999);
  });
});

describe('HintLimiter', () => {
  it('fetches at once, defers a hint that comes too soon to the end of the interval, and folds the rest in', () => {
    const limiter = new HintLimiter(10_000);
    assert.deepEqual(
      [0, 1_000, 9_999, 10_000, 12_000, 25_000, 40_000].map((now) => limiter.accept(now)),
      [
        { act: 'now' },
        { act: 'later', inMs: 9_000 }, // the fetch at 10 s
        { act: 'merged' },
        { act: 'merged' }, // that fetch is at 10 s: this hint is part of it
        { act: 'later', inMs: 8_000 }, // 20 s
        { act: 'later', inMs: 5_000 }, // 30 s
        { act: 'now' },
      ],
    );
    assert.equal(limiter.dropped, 2);
  });

  it('holds to the interval a new welcome names', () => {
    const limiter = new HintLimiter(10_000);
    limiter.accept(0);
    limiter.minIntervalMs = 1_000;
    assert.deepEqual(limiter.accept(1_000), { act: 'now' });
  });
});
