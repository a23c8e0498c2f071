// The frame scheduler: order, slices, pressure, drain, and a throwing item. The clock and the
// scheduling of the next slice are the test's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createFrameScheduler, type FrameSchedulerOptions } from './frame-scheduler.ts';

function harness(overrides: Partial<FrameSchedulerOptions> = {}) {
  let clock = 0;
  const slices: (() => void)[] = [];
  const ran: number[] = [];
  const errors: unknown[] = [];
  let below = 0;
  const scheduler = createFrameScheduler({
    sliceMs: 5,
    highWaterBytes: 100,
    onBelow: () => {
      below += 1;
    },
    onError: (error) => errors.push(error),
    now: () => clock,
    later: (run) => slices.push(run),
    ...overrides,
  });
  /** Work that takes `ms` of the test's clock. */
  const work =
    (id: number, ms = 1) =>
    () => {
      ran.push(id);
      clock += ms;
    };
  const nextSlice = (): void => {
    const run = slices.shift();
    assert.ok(run, 'a slice is scheduled');
    run();
  };
  return {
    scheduler,
    work,
    nextSlice,
    ran,
    errors,
    slices,
    get below() {
      return below;
    },
  };
}

describe('the frame scheduler', () => {
  it('runs nothing at once, then everything in arrival order in one slice when it is quick', () => {
    const h = harness();
    for (const id of [1, 2, 3]) h.scheduler.defer(h.work(id, 1), 10);
    assert.deepEqual(h.ran, []);
    assert.equal(h.slices.length, 1, 'one slice scheduled for three items');
    h.nextSlice();
    assert.deepEqual(h.ran, [1, 2, 3]);
    assert.equal(h.scheduler.pending, 0);
    assert.equal(h.scheduler.bytes, 0);
    assert.equal(h.slices.length, 0, 'nothing left: no slice scheduled');
  });

  it('stops a slice once it has run sliceMs and goes on in the next one, in order', () => {
    const h = harness();
    for (let id = 1; id <= 10; id++) h.scheduler.defer(h.work(id, 2), 1);
    h.nextSlice();
    // 2 + 2 + 2 ms: the third item crosses 5 ms, the slice ends after it.
    assert.deepEqual(h.ran, [1, 2, 3]);
    assert.equal(h.scheduler.pending, 7);
    assert.equal(h.slices.length, 1, 'the rest is scheduled');
    h.nextSlice();
    h.nextSlice();
    h.nextSlice();
    assert.deepEqual(
      h.ran,
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
  });

  it('is over its mark above highWaterBytes, and says when it is back under half', () => {
    const h = harness();
    for (let id = 1; id <= 6; id++) h.scheduler.defer(h.work(id, 2), 30);
    assert.equal(h.scheduler.high, true, '180 bytes waiting, mark 100');
    h.nextSlice(); // 3 items: 90 bytes left
    assert.equal(h.scheduler.high, true, 'not yet under half');
    assert.equal(h.below, 0);
    h.nextSlice(); // 3 more: 0 left
    assert.equal(h.scheduler.high, false);
    assert.equal(h.below, 1, 'told once');
    h.scheduler.defer(h.work(7), 10);
    h.nextSlice();
    assert.equal(h.below, 1, 'never over the mark again: not told again');
  });

  it('drain() runs everything now, in order', () => {
    const h = harness();
    for (let id = 1; id <= 5; id++) h.scheduler.defer(h.work(id, 10), 60);
    h.scheduler.drain();
    assert.deepEqual(h.ran, [1, 2, 3, 4, 5]);
    assert.equal(h.scheduler.high, false);
    assert.equal(h.below, 1);
    h.nextSlice(); // the slice scheduled before the drain finds nothing
    assert.deepEqual(h.ran, [1, 2, 3, 4, 5]);
  });

  it('tells a throwing item to onError and runs the items behind it', () => {
    const h = harness();
    h.scheduler.defer(h.work(1), 1);
    h.scheduler.defer(() => {
      throw new Error('a bug in the work');
    }, 1);
    h.scheduler.defer(h.work(3), 1);
    h.nextSlice();
    assert.deepEqual(h.ran, [1, 3]);
    assert.equal(h.errors.length, 1);
    assert.match(String(h.errors[0]), /a bug in the work/);
  });

  it('keeps order over many slices while items keep arriving (the consumed prefix is dropped)', () => {
    const h = harness();
    let next = 1;
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 100; k++) h.scheduler.defer(h.work(next++, 0.1), 1);
      h.nextSlice();
    }
    while (h.slices.length > 0) h.nextSlice();
    assert.equal(h.ran.length, 5000);
    assert.ok(
      h.ran.every((id, index) => id === index + 1),
      'every item once, in arrival order',
    );
    assert.equal(h.scheduler.pending, 0);
  });

  it('leaves frames as they came while canRun() says no, and goes on at resume()', () => {
    let room = 2;
    const h = harness({ canRun: () => room > 0 });
    for (const id of [1, 2, 3, 4]) {
      h.scheduler.defer(() => {
        h.work(id, 0)();
        room -= 1;
      }, 10);
    }
    h.nextSlice();
    assert.deepEqual(h.ran, [1, 2]);
    assert.equal(h.slices.length, 0, 'parked: no slice until resume()');
    h.scheduler.defer(h.work(5, 0), 10);
    assert.equal(h.slices.length, 0, 'a new frame does not wake it either');
    h.scheduler.resume();
    h.nextSlice();
    assert.deepEqual(h.ran, [1, 2], 'resumed while still full: the slice runs nothing');
    assert.equal(h.slices.length, 0, 'and parks again');
    room = 10;
    h.scheduler.resume();
    h.nextSlice();
    assert.deepEqual(h.ran, [1, 2, 3, 4, 5]);
    assert.equal(h.scheduler.pending, 0);
    h.scheduler.resume();
    assert.equal(h.slices.length, 0, 'nothing waits: resume() schedules nothing');
  });

  it('drains everything at shutdown, canRun() or not', () => {
    const h = harness({ canRun: () => false });
    for (const id of [1, 2]) h.scheduler.defer(h.work(id, 0), 10);
    h.scheduler.drain();
    assert.deepEqual(h.ran, [1, 2]);
  });

  it('keeps no item once it has run: its work and the frame it reads can be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const h = harness();
    let frame: Buffer | undefined = Buffer.alloc(64);
    const kept = new WeakRef(frame);
    const read = (data: Buffer) => () => {
      h.ran.push(data.length);
    };
    h.scheduler.defer(read(frame), frame.length);
    h.scheduler.defer(h.work(2, 0), 10);
    frame = undefined;
    h.nextSlice();
    assert.deepEqual(h.ran, [64, 2]);
    assert.equal(h.scheduler.pending, 0);
    // A WeakRef's target lives to the end of the job that made it: collect on a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(kept.deref(), undefined, 'the scheduler still holds a frame whose work has run');
  });
});
