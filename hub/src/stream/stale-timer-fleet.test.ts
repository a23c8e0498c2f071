// The stale timer with a fleet tracked: it hands out exactly the clusters due, each once, whatever was
// moved or forgotten before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStaleTimer, staleFrom } from './stale-timer.ts';
import { fakeClock } from './test-stream.ts';

const START = Date.UTC(2025, 0, 1);
const rule = { staleAfterMs: 60_000, startedAtMs: START };
const NOW = START + 120_000;

const names = (count: number): string[] => Array.from({ length: count }, (_, i) => `c${String(i)}`);

/** A timer on a fake clock at NOW, and every batch it handed out. */
const fleetTimer = () => {
  const clock = fakeClock(NOW);
  const batches: string[][] = [];
  const timer = createStaleTimer({
    rule,
    now: clock.now,
    schedule: clock.schedule,
    onDue: (clusters) => batches.push([...clusters]),
  });
  const handed = (): string[] => batches.flat().sort();
  return { clock, batches, timer, handed };
};

describe('the stale timer with a fleet', () => {
  it('hands out exactly the clusters due, in any order, each once, and re-arms for the earliest left', () => {
    const { clock, timer, handed } = fleetTimer();
    const fleet = names(10_000);
    // Heard in the last minute, spread over it (several per millisecond of crossing).
    const heard = new Map(fleet.map((name, i) => [name, NOW - 60_000 + ((i * 7919) % 59_000)]));
    for (const [name, at] of heard) timer.track(name, at, false);
    const crossing = (name: string): number => staleFrom(heard.get(name), false, rule) ?? Infinity;
    assert.equal(timer.dueAt, Math.min(...fleet.map(crossing)));

    const halfway = NOW + 30_000;
    clock.advance(halfway);
    const early = fleet.filter((name) => crossing(name) <= halfway).sort();
    assert.ok(early.length > 1000 && early.length < 9000);
    assert.deepEqual(handed(), early);
    const left = fleet.filter((name) => crossing(name) > halfway);
    assert.equal(timer.dueAt, Math.min(...left.map(crossing)));

    clock.advance(NOW + 60_000);
    assert.deepEqual(handed(), [...fleet].sort());
    assert.equal(timer.dueAt, undefined);
    assert.equal(clock.pending, 0);
    timer.stop();
  });

  it('does not hand out a cluster at a crossing it was moved from', () => {
    const { clock, batches, timer, handed } = fleetTimer();
    const fleet = names(1000);
    for (const name of fleet) timer.track(name, NOW - 10_000, false);
    const heardAgain = fleet.filter((_, i) => i % 2 === 0);
    for (const name of heardAgain) timer.track(name, NOW + 20_000, false);

    clock.advance(NOW + 50_001);
    assert.equal(batches.length, 1);
    assert.deepEqual(handed(), fleet.filter((_, i) => i % 2 === 1).sort());
    assert.equal(timer.dueAt, NOW + 80_001);

    clock.advance(NOW + 80_001);
    assert.equal(batches.length, 2);
    assert.deepEqual(batches[1]?.sort(), [...heardAgain].sort());
    assert.deepEqual(handed(), [...fleet].sort(), 'each one once');
    timer.stop();
  });

  it('never hands out a cluster forgotten or stale, and goes quiet when none is left', () => {
    const { clock, timer, handed } = fleetTimer();
    const fleet = names(3000);
    for (const name of fleet) timer.track(name, NOW - 30_000, false);
    const forgotten = fleet.filter((_, i) => i % 3 === 0);
    const stale = fleet.filter((_, i) => i % 3 === 1);
    for (const name of forgotten) timer.forget(name);
    for (const name of stale) timer.track(name, NOW - 30_000, true);

    clock.advance(NOW + 60_000);
    assert.deepEqual(handed(), fleet.filter((_, i) => i % 3 === 2).sort());
    assert.equal(timer.dueAt, undefined);
    assert.equal(clock.pending, 0);
    timer.stop();
  });

  it('after 100,000 re-tracks of 100 clusters, hands each out once, at its last crossing', () => {
    const { clock, batches, timer, handed } = fleetTimer();
    const fleet = names(100);
    for (let i = 0; i < 100_000; i += 1) {
      // Heard later each round: the crossing moves later every time.
      timer.track(fleet[i % 100] ?? 'c0', NOW - 60_000 + Math.floor(i / 100), false);
    }
    const last = NOW + 999 + 1;
    assert.equal(timer.dueAt, NOW + 1, 'armed for the first crossing; firing then finds nothing due');
    clock.advance(last - 1);
    assert.deepEqual(batches, []);
    assert.equal(timer.dueAt, last);
    clock.advance(last);
    assert.deepEqual(handed(), [...fleet].sort());
    assert.equal(clock.pending, 0);
    timer.stop();
  });

  it('asks again RECHECK later for a cluster the view shows fresh past its crossing, never at once', () => {
    const { clock, batches, timer } = fleetTimer();
    for (let i = 0; i < 50; i += 1) timer.track('back-stepped', NOW - 3_600_000, false);
    assert.equal(timer.dueAt, NOW + 1000);
    clock.runDue();
    assert.deepEqual(batches, []);
    clock.advance(NOW + 1000);
    assert.deepEqual(batches, [['back-stepped']]);
    timer.stop();
  });
});
