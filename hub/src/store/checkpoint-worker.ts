// The checkpoint worker: a thread with a connection of its own to the hub's database, which copies the
// WAL into the database file so that the main thread's commits never do (checkpointer.ts starts and
// stops it, and says why). Every pollMs it reads the wal-index (wal-index.ts), checkpoints when
// checkpoint-policy.ts says so, reports each checkpoint, and asks the main thread for the one that lets
// SQLite start a long WAL over. Any error closes its connection and ends the thread; the main thread then
// checkpoints by itself.
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  STATE_SLOT,
  WORKER_STATE,
  type CheckpointRow,
  type CheckpointWorkerData,
  type ParentMessage,
  type WorkerMessage,
} from './checkpoint-messages.ts';
import {
  checkpointDue,
  restartAtAfter,
  restartAtTick,
  restartDue,
  type CheckpointOutcome,
} from './checkpoint-policy.ts';
import { readWalIndex, WAL_INDEX_HEADER_BYTES } from './wal-index.ts';

function run(data: CheckpointWorkerData, port: MessagePort): void {
  const { control, path } = data;
  // The store may have closed before this thread was up: then it must not open a connection.
  if (
    Atomics.compareExchange(control, STATE_SLOT, WORKER_STATE.booting, WORKER_STATE.open) !==
    WORKER_STATE.booting
  ) {
    port.close();
    return;
  }
  let db: Database.Database | undefined;
  let shm: number | undefined;
  let file: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    try {
      if (shm !== undefined) closeSync(shm);
      if (file !== undefined) closeSync(file);
      db?.close();
    } finally {
      Atomics.store(control, STATE_SLOT, WORKER_STATE.closed);
      Atomics.notify(control, STATE_SLOT);
      port.close();
    }
  };
  const post = (message: WorkerMessage): void => {
    port.postMessage(message);
  };
  try {
    db = new Database(path, { fileMustExist: true });
    // Checkpoints sync as the connection that runs them says: NORMAL (or FULL) syncs the WAL before
    // copying and, at a checkpoint that reaches the WAL's end, the database file before recording every
    // frame as copied; OFF would sync neither.
    db.pragma('synchronous = NORMAL');
    // A first read opens this connection's view of the WAL (until then a checkpoint copies nothing).
    db.pragma('schema_version');
    const mode = db.pragma('journal_mode', { simple: true });
    if (mode !== 'wal') throw new Error(`${path}: the journal mode is ${String(mode)}, not wal`);
    shm = openSync(`${path}-shm`, 'r');
    file = openSync(path, 'r');
  } catch (error) {
    close();
    throw error;
  }
  const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const fileFd = file;
  const checkpoint = (): CheckpointOutcome => {
    const started = performance.now();
    const row = statement.get() as CheckpointRow;
    // SQLite syncs the database file only at a checkpoint that reaches the end of the WAL; one that
    // commits overtook leaves its pages to the next that does, under a steady stream of commits the
    // main thread's (checkpoint-policy.ts), whose sync then took 20-28 ms instead of ~2.
    fdatasyncSync(fileFd);
    const outcome: CheckpointOutcome = {
      thread: 'worker',
      busy: row.busy !== 0,
      frames: row.log,
      checkpointed: row.checkpointed,
      ms: performance.now() - started,
    };
    post({ type: 'checkpoint', outcome });
    return outcome;
  };
  const buffer = new Uint8Array(WAL_INDEX_HEADER_BYTES);
  const shmFd = shm;
  let restartAt = data.limitPages;
  const tick = (): void => {
    const read = readWalIndex(shmFd, buffer);
    if (read.ok) {
      restartAt = restartAtTick(restartAt, read.index, data);
      if (checkpointDue(read.index, data, restartAt)) {
        const passive = checkpoint();
        if (restartDue(passive, restartAt)) {
          // Once more first, for what was committed during that one: the main thread's copies the rest.
          const caughtUp = checkpoint();
          post({ type: 'restart', frames: caughtUp.frames });
          restartAt = restartAtAfter(caughtUp.frames, data);
        }
      }
    } else if (read.reason === 'unknown-version') {
      throw new Error(`${path}-shm: a wal-index this worker cannot read (not version 3007000)`);
    }
    // 'no-header' and 'changing' pass: the next tick reads again.
  };
  const loop = (): void => {
    try {
      tick();
    } catch (error) {
      close();
      throw error;
    }
    timer = setTimeout(loop, data.pollMs);
  };
  // The one message there is: stop.
  port.on('message', (_message: ParentMessage) => {
    close();
  });
  post({ type: 'ready' });
  loop();
}

if (parentPort === null) {
  throw new Error('checkpoint-worker.ts runs as a worker thread: checkpointer.ts starts it');
}
run(workerData as CheckpointWorkerData, parentPort);
