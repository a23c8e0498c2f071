import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterIsStale, staleBefore } from './stale.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const rule = { staleAfterMs: 60_000, startedAt: T0 };

describe('stale clusters and the grace period after a start', () => {
  it('calls nothing stale until staleAfterMs after the hub started', () => {
    assert.equal(staleBefore(at(0), rule), undefined);
    assert.equal(staleBefore(at(59.999), rule), undefined);
    assert.deepEqual(staleBefore(at(60), rule), at(0));
    assert.deepEqual(staleBefore(at(600), rule), at(540));
  });

  it('calls a cluster heard from before the start stale only once the grace period is over', () => {
    const heardBeforeStart = { lastHeardAt: at(-3600) };
    assert.equal(clusterIsStale(heardBeforeStart, at(30), rule), false);
    assert.equal(clusterIsStale(heardBeforeStart, at(60), rule), true);
  });

  it('calls a cluster stale when not heard from for staleAfterMs, and not before', () => {
    assert.equal(clusterIsStale({ lastHeardAt: at(540) }, at(600), rule), false);
    assert.equal(clusterIsStale({ lastHeardAt: at(539.999) }, at(600), rule), true);
  });

  it('never calls a cluster that was never heard from stale (it is pending)', () => {
    assert.equal(clusterIsStale({ lastHeardAt: undefined }, at(3600), rule), false);
  });
});
