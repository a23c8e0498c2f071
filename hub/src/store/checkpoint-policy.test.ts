import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkpointDue,
  complete,
  restartAtAfter,
  restartAtTick,
  restartDue,
  type CheckpointOutcome,
  type CheckpointPolicy,
} from './checkpoint-policy.ts';
import type { WalIndex } from './wal-index.ts';

const POLICY: CheckpointPolicy = { thresholdPages: 1000, limitPages: 8000 };

const wal = (frames: number, backfilled: number): WalIndex => ({ frames, backfilled, pageSize: 4096 });

const outcome = (frames: number, checkpointed = frames, busy = false): CheckpointOutcome => ({
  thread: 'worker',
  busy,
  frames,
  checkpointed,
  ms: 1,
});

describe('when the checkpoint worker checkpoints', () => {
  const cases: [string, WalIndex, number, boolean][] = [
    ['an empty WAL: nothing', wal(0, 0), 8000, false],
    ['fewer frames to copy than the threshold: nothing yet', wal(999, 0), 8000, false],
    ['the threshold reached: a checkpoint', wal(1000, 0), 8000, true],
    ['a WAL mostly copied already: what is left counts', wal(5000, 4200), 8000, false],
    ['what is left reaches the threshold', wal(5200, 4200), 8000, true],
    ['everything copied but the WAL at its limit: a checkpoint (for a restart)', wal(8000, 8000), 8000, true],
    [
      'everything copied, past the limit, a refused restart further on: nothing',
      wal(9000, 9000),
      16000,
      false,
    ],
  ];
  for (const [name, index, restartAt, due] of cases) {
    it(name, () => {
      assert.equal(checkpointDue(index, POLICY, restartAt), due);
    });
  }
});

describe('when the main thread is asked for the checkpoint that starts the WAL over', () => {
  it('asks after a worker checkpoint that found the WAL at the restart size', () => {
    assert.equal(restartDue(outcome(7999), 8000), false);
    assert.equal(restartDue(outcome(8000), 8000), true);
  });

  it('asks again only once the WAL has grown by another limit', () => {
    assert.equal(restartAtAfter(8300, POLICY), 16300);
  });

  it('goes back to the limit once the WAL started over', () => {
    assert.equal(restartAtTick(16300, wal(9000, 8500), POLICY), 16300, 'still the same long WAL');
    assert.equal(restartAtTick(16300, wal(120, 0), POLICY), 8000, 'a new WAL');
  });

  it('counts a checkpoint complete when it copied every frame and was not refused', () => {
    assert.equal(complete(outcome(8300)), true);
    assert.equal(complete(outcome(8300, 8000)), false, 'an older reader kept the last frames');
    assert.equal(complete(outcome(8300, 8300, true)), false, 'another checkpoint under way');
  });
});
