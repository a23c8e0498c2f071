// When the checkpoint worker copies the WAL into the database file, and when it asks the main thread to
// help SQLite start the WAL over: pure functions of the wal-index (wal-index.ts).
//
// - The worker runs a PASSIVE checkpoint once the frames not yet copied reach thresholdPages (SQLite's own
//   automatic checkpoint counts the same frames, 1000 by default). It copies without taking any lock the
//   writer needs.
// - SQLite starts the WAL over (the next commit writes at the start of the file) only at a commit that
//   finds every frame copied. Under a steady stream of commits the worker's checkpoints always end with
//   newer commits behind them, and the WAL grows on: in a measurement at ~1,700 commits/s it started
//   over only when the main thread had helped, as follows.
// - Once the WAL holds limitPages frames, the worker checkpoints once more (for what came during its
//   last checkpoint) and asks the main thread, the writer, for one PASSIVE checkpoint between two
//   commits. It copies only the last few commits and, nothing being committed meanwhile, completes, so
//   the next commit starts the WAL over: ~2.5 ms on the main thread per limitPages, where SQLite's own
//   checkpoint took 10-25 ms per 1000 pages. A RESTART checkpoint in the worker would do the same while
//   holding the writer off, and measured worse: it failed to take the write lock from a busy writer
//   more often than not (the WAL reached 161 MiB), and the main thread waited for that lock in SQLite's
//   busy handler, which sleeps 1, 2, 5, 10, 15 ms between tries (commits of up to 36 ms).
// - The worker asks again only once the WAL has grown by another limitPages: an older reader that keeps
//   the main thread's checkpoint from completing must not cost it one at every tick. A WAL that started
//   over (fewer frames than the limit) resets that.
import type { WalIndex } from './wal-index.ts';

export interface CheckpointPolicy {
  /** Frames not yet in the database file at which the worker runs a PASSIVE checkpoint. */
  readonly thresholdPages: number;
  /** Frames in the WAL at which the main thread is asked for the checkpoint that starts it over. */
  readonly limitPages: number;
}

export const CHECKPOINT_THREADS = ['worker', 'main'] as const;
export type CheckpointThread = (typeof CHECKPOINT_THREADS)[number];

/** One `PRAGMA wal_checkpoint(PASSIVE)`: its three columns, where it ran and how long it took. */
export interface CheckpointOutcome {
  readonly thread: CheckpointThread;
  /** It could not run: another checkpoint under way. */
  readonly busy: boolean;
  /** Frames in the WAL. */
  readonly frames: number;
  /** Frames copied into the database file, by this checkpoint or earlier ones. */
  readonly checkpointed: number;
  readonly ms: number;
}

/** Whether a tick checkpoints: enough to copy, or the WAL at the size where a restart is due. */
export function checkpointDue(wal: WalIndex, policy: CheckpointPolicy, restartAt: number): boolean {
  return wal.frames - wal.backfilled >= policy.thresholdPages || wal.frames >= restartAt;
}

/** Whether, after the worker's checkpoint, the main thread is asked for one. */
export function restartDue(passive: CheckpointOutcome, restartAt: number): boolean {
  return passive.frames >= restartAt;
}

/** Whether a checkpoint copied every frame (then the writer's next commit starts the WAL over). */
export function complete(outcome: CheckpointOutcome): boolean {
  return !outcome.busy && outcome.checkpointed === outcome.frames;
}

/** The WAL size (frames) at which the main thread is asked next, from the wal-index at a tick. */
export function restartAtTick(previous: number, wal: WalIndex, policy: CheckpointPolicy): number {
  return wal.frames < policy.limitPages ? policy.limitPages : previous;
}

/** The same once the main thread was asked, at a WAL of `frames`: another limit further. */
export function restartAtAfter(frames: number, policy: CheckpointPolicy): number {
  return frames + policy.limitPages;
}
