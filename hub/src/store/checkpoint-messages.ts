// What the main thread (checkpointer.ts) and the checkpoint worker (checkpoint-worker.ts) say to each
// other: the worker's settings, its messages, and the state word both threads share.
import type { CheckpointOutcome, CheckpointPolicy } from './checkpoint-policy.ts';

/** The worker's own state, in a shared Int32Array both threads change with compareExchange/store. */
export const WORKER_STATE = {
  /** Started, no connection yet. */
  booting: 0,
  /** Its connection is open (or opening). */
  open: 1,
  /** Its connection is closed: the main connection may be the last one. */
  closed: 2,
  /** Stopped before it opened anything: it must not open now. */
  cancelled: 3,
} as const;

/** The state word's index in the shared array. */
export const STATE_SLOT = 0;

export interface CheckpointWorkerData extends CheckpointPolicy {
  /** The database file. */
  readonly path: string;
  /** How often the worker reads the wal-index. */
  readonly pollMs: number;
  /** One Int32 on a SharedArrayBuffer: WORKER_STATE. */
  readonly control: Int32Array;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'checkpoint'; readonly outcome: CheckpointOutcome }
  /** The WAL holds `frames` and does not start over: one checkpoint between two commits, please. */
  | { readonly type: 'restart'; readonly frames: number };

/** What `PRAGMA wal_checkpoint` returns, on either thread. */
export interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export type ParentMessage = { readonly type: 'stop' };
