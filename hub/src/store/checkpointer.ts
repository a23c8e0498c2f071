// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that takes the
// WAL past 1000 frames, on the thread that commits: the hub's main thread, where such a commit took 34-43
// ms instead of ~14 and held every agent frame and API request behind it. So the store's connection does
// not checkpoint by itself (wal_autocheckpoint = 0, sqlite.ts) and a worker thread with a connection of
// its own does (checkpoint-worker.ts), when checkpoint-policy.ts says so, from the wal-index (wal-index.ts)
// it reads every pollMs: the main thread does nothing for it, not even a message per commit. Except once
// per limitPages of a WAL that never starts over (a steady stream of commits): then the worker asks the
// main thread for one PASSIVE checkpoint between two commits, which copies only the last few commits and
// lets SQLite start the WAL over (checkpoint-policy.ts says why it is not the worker's to do).
//
// Lifecycle. The store starts it (store.ts). A store that writes little never needs a thread (the tests
// open hundreds of stores, and a worker started from source, under tsx, costs ~0.4 s of CPU), so the
// thread starts once the WAL file reaches startBytes, which the main thread checks with one stat every
// startPollMs until then. stop() comes before the store closes its connection: the worker finishes a
// checkpoint under way, closes its connection and says so through shared memory, which the main thread
// waits for (Atomics.wait, at most stopTimeoutMs). There is no final checkpoint in the worker: the main
// connection, the last one then, checkpoints as it closes and removes the WAL, as it always did, with no
// writer left to race. A worker that dies (an error, a database it cannot open) is reported to onError,
// and the main connection checkpoints by itself again (wal_autocheckpoint = thresholdPages, SQLite's
// behaviour before this module) rather than let the WAL grow for ever; the thread is not restarted.
//
// Durability. A commit the hub acknowledged is in the WAL, fdatasync'd (sqlite.ts, wal-sync.ts), and
// stays there until its pages are on the disk in the database file. Both connections checkpoint with
// synchronous=NORMAL (OFF would skip the syncs): a checkpoint syncs the WAL before it copies frames; one
// that reaches the end of the WAL also syncs the database file before it records every frame as copied
// (the wal-index's nBackfill), while one that commits overtook records its progress without that sync
// (the worker then fdatasyncs the file itself). SQLite writes new frames over old ones (starts the WAL
// over) only at a commit that finds every frame recorded as copied, so only after a checkpoint that
// synced the database file. A crash before that leaves the old frames valid and the next open replays
// them; a crash during a checkpoint leaves them unrecorded as copied, replayed too; frames written after
// a restart carry new salts, so a crash while they overwrite old ones cannot mix the two into a replay.
// Commits not yet synced (durable: false) may reach the database file early, which is harmless: nobody
// was told they were stored. The main thread's WAL descriptor (wal-sync.ts) stays valid: starting over
// keeps the same file (inode), which only the last connection's close deletes, the main one's, after
// its syncer is closed.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  STATE_SLOT,
  WORKER_STATE,
  type CheckpointRow,
  type CheckpointWorkerData,
  type ParentMessage,
  type WorkerMessage,
} from './checkpoint-messages.ts';
import { complete, type CheckpointOutcome, type CheckpointPolicy } from './checkpoint-policy.ts';
import type { Db } from './sqlite.ts';

export interface CheckpointerOptions extends CheckpointPolicy {
  /** How often the worker reads the wal-index. */
  readonly pollMs: number;
  /** The WAL file size at which the thread starts (0: at once). */
  readonly startBytes: number;
  /** How often the main thread looks at the WAL file's size until then. */
  readonly startPollMs: number;
  /** How long stop() waits for the worker to close its connection. */
  readonly stopTimeoutMs: number;
  /** Each checkpoint, the worker's (reported on the main thread) and the main thread's. */
  readonly onCheckpoint?: (outcome: CheckpointOutcome) => void;
  /** The worker died (the main connection checkpoints by itself from then on), or would not stop. */
  readonly onError?: (error: Error) => void;
}

/** SQLite's own threshold (1000 pages, ~4 MiB), and a WAL started over at 8 times that (~32 MiB). */
export const DEFAULT_CHECKPOINTER_OPTIONS: CheckpointerOptions = {
  thresholdPages: 1000,
  limitPages: 8000,
  pollMs: 20,
  startBytes: 1024 * 1024,
  startPollMs: 250,
  stopTimeoutMs: 5000,
};

export const CHECKPOINTER_STATES = ['waiting', 'starting', 'running', 'stopped', 'failed'] as const;
/** waiting: no thread yet (a small WAL); failed: the worker died and the main connection checkpoints. */
export type CheckpointerState = (typeof CHECKPOINTER_STATES)[number];

export interface CheckpointerStatus {
  readonly state: CheckpointerState;
  /** Checkpoints the worker ran. */
  readonly checkpoints: number;
  /** Checkpoints the worker asked of the main thread, and of those the ones that could not copy it all. */
  readonly restarts: number;
  readonly refusedRestarts: number;
  readonly last: CheckpointOutcome | undefined;
  readonly error: Error | undefined;
}

export interface Checkpointer {
  status(): CheckpointerStatus;
  /** Stops the worker (waiting for it to close its connection); call before the connection closes. */
  stop(): void;
}

/** What the checkpointer needs of the store's connection: the file, its checkpoint and the fallback. */
export type CheckpointTarget = Pick<Db, 'path' | 'pragma' | 'prepare'>;

/** Starts checkpointing `db`'s WAL off the main thread (now, or once the WAL reaches startBytes). */
export function startCheckpointer(
  db: CheckpointTarget,
  overrides: Partial<CheckpointerOptions> = {},
): Checkpointer {
  const options: CheckpointerOptions = { ...DEFAULT_CHECKPOINTER_OPTIONS, ...overrides };
  checkOptions(db.path, options);
  let state: CheckpointerState = 'waiting';
  let checkpoints = 0;
  let restarts = 0;
  let refusedRestarts = 0;
  let last: CheckpointOutcome | undefined;
  let error: Error | undefined;
  let worker: Worker | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  const control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

  const fail = (cause: unknown): void => {
    if (state === 'stopped' || state === 'failed') return;
    state = 'failed';
    let fallback = `the main connection checkpoints by itself from now on (every ${options.thresholdPages} pages)`;
    try {
      db.pragma(`wal_autocheckpoint = ${options.thresholdPages}`);
    } catch (pragmaError) {
      fallback = `and the main connection could not take checkpoints back: ${String(pragmaError)}`;
    }
    error = new Error(`${db.path}: the checkpoint worker failed; ${fallback}`, { cause });
    options.onError?.(error);
  };

  const report = (outcome: CheckpointOutcome): void => {
    last = outcome;
    options.onCheckpoint?.(outcome);
  };

  // Between two tasks, so between two commits: this checkpoint completes unless an older reader or the
  // worker's own checkpoint is in the way, and then the next commit starts the WAL over.
  const restart = (): void => {
    const started = performance.now();
    let row: CheckpointRow | undefined;
    try {
      row = db.prepare<CheckpointRow>('PRAGMA wal_checkpoint(PASSIVE)').get();
    } catch (checkpointError) {
      options.onError?.(
        new Error(`${db.path}: the main thread's checkpoint failed`, { cause: checkpointError }),
      );
      return;
    }
    if (row === undefined) return;
    const outcome: CheckpointOutcome = {
      thread: 'main',
      busy: row.busy !== 0,
      frames: row.log,
      checkpointed: row.checkpointed,
      ms: performance.now() - started,
    };
    restarts += 1;
    if (!complete(outcome)) refusedRestarts += 1;
    report(outcome);
  };

  const start = (): void => {
    clearInterval(startTimer);
    state = 'starting';
    const data: CheckpointWorkerData = {
      path: db.path,
      thresholdPages: options.thresholdPages,
      limitPages: options.limitPages,
      pollMs: options.pollMs,
      control,
    };
    let started: Worker;
    try {
      started = spawnWorker(data);
    } catch (spawnError) {
      fail(spawnError);
      return;
    }
    worker = started;
    // An open store that was never closed must not keep the process alive for its checkpoints.
    started.unref();
    started.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        if (state === 'starting') state = 'running';
      } else if (message.type === 'checkpoint') {
        checkpoints += 1;
        report(message.outcome);
      } else if (state === 'running') {
        restart();
      }
    });
    started.on('error', fail);
    started.on('exit', (code) => {
      fail(new Error(`the worker thread exited (code ${code})`));
    });
  };

  const walBytes = (): number => statSync(`${db.path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  const startWhenLarge = (): void => {
    let size: number;
    try {
      size = walBytes();
    } catch (statError) {
      fail(statError);
      clearInterval(startTimer);
      return;
    }
    if (size >= options.startBytes) start();
  };

  if (options.startBytes <= 0) start();
  else {
    startTimer = setInterval(startWhenLarge, options.startPollMs);
    startTimer.unref();
    startWhenLarge();
  }

  return {
    status: () => ({ state, checkpoints, restarts, refusedRestarts, last, error }),
    stop: () => {
      if (state === 'stopped') return;
      clearInterval(startTimer);
      const running = worker;
      const failed = state === 'failed';
      state = 'stopped';
      if (running === undefined || failed) {
        void running?.terminate();
        return;
      }
      // A thread that has not opened its connection yet is told not to; one that has closes it first.
      const was = Atomics.compareExchange(control, STATE_SLOT, WORKER_STATE.booting, WORKER_STATE.cancelled);
      if (was !== WORKER_STATE.booting) {
        const stopMessage: ParentMessage = { type: 'stop' };
        running.postMessage(stopMessage);
        const waited = Atomics.wait(control, STATE_SLOT, WORKER_STATE.open, options.stopTimeoutMs);
        if (waited === 'timed-out') {
          options.onError?.(
            new Error(
              `${db.path}: the checkpoint worker did not close its connection within ${options.stopTimeoutMs} ms`,
            ),
          );
        }
      }
      void running.terminate();
    },
  };
}

/**
 * The worker thread, found beside this module (import.meta.url). Built (hub/dist, plain node), this is
 * checkpointer.js and the worker checkpoint-worker.js. From source this is a .ts file run under tsx,
 * whose loader a worker thread does not get on Node 20 (`--import tsx` is not applied to workers): a
 * two-line module registers tsx in the thread first (tsx is the workspace's, there whenever the source
 * runs). Its execArgv is empty: the parent's --import tsx would register it twice where Node does apply
 * it, and the worker imports no workspace package that --conditions=@ferry/source would resolve.
 */
function spawnWorker(workerData: CheckpointWorkerData): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./checkpoint-worker.js', self), { workerData });
  const entry = new URL('./checkpoint-worker.ts', self).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)})` +
    `.then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
}

function checkOptions(path: string, options: CheckpointerOptions): void {
  const whole = ['thresholdPages', 'limitPages', 'pollMs', 'startPollMs'] as const;
  for (const key of whole) {
    const value = options[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${path}: checkpointer option ${key} must be a whole number ≥ 1, not ${value}`);
    }
  }
  if (options.limitPages < options.thresholdPages) {
    throw new Error(
      `${path}: checkpointer option limitPages (${options.limitPages}) is below thresholdPages (${options.thresholdPages})`,
    );
  }
}
