// The checkpointer on real SQLite files: a worker thread with its own connection, the main connection
// that no longer checkpoints, the fallback when the worker is gone, and the store's open and close.
import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CheckpointOutcome } from './checkpoint-policy.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import { openDatabase, type Db } from './sqlite.ts';
import { openStore } from './store.ts';
import { newCluster, T0 } from './test-store.ts';
import { readWalIndex, type WalIndex } from './wal-index.ts';

const ROWS_PER_COMMIT = 200;
const ROW_BYTES = 1000;
/** Time enough for a worker thread to start under tsx on a busy machine; the waits end on conditions. */
const DEADLINE_MS = 60_000;

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The wal-index now (read again while a commit publishes it). */
function walIndex(path: string): WalIndex {
  const fd = openSync(`${path}-shm`, 'r');
  try {
    for (;;) {
      const read = readWalIndex(fd);
      if (read.ok) return read.index;
      assert.equal(read.reason, 'changing', `${path}-shm: ${read.reason}`);
    }
  } finally {
    closeSync(fd);
  }
}

const allCopied = (path: string) => (): boolean => {
  const index = walIndex(path);
  return index.frames === index.backfilled;
};

const walBytes = (path: string): number => statSync(`${path}-wal`).size;

/** One table, and commits of 200 rows of 1 KB over the same keys (each about 50 pages). */
function table(db: Db) {
  db.exec('CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)');
  const upsert = db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, randomblob(?))');
  return {
    write: (commits: number): void => {
      for (let commit = 0; commit < commits; commit += 1) {
        db.transaction(() => {
          for (let row = 0; row < ROWS_PER_COMMIT; row += 1)
            upsert.run(commit * ROWS_PER_COMMIT + row, ROW_BYTES);
        });
      }
    },
  };
}

/** What the table holds, in a few bytes per row. */
function digestOf(db: Db): string {
  const row = db
    .prepare<{ digest: string | null }>(
      "SELECT group_concat(hex(substr(v, 1, 4)), '') AS digest FROM (SELECT v FROM t ORDER BY k)",
    )
    .get();
  return row?.digest ?? '';
}

describe('checkpoints off the main thread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-checkpointer-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const stops: (() => void)[] = [];
  after(() => {
    for (const stop of stops) stop();
  });
  const started = (checkpointer: Checkpointer, db: Db): Checkpointer => {
    stops.push(() => {
      checkpointer.stop();
      db.close();
    });
    return checkpointer;
  };

  it("never checkpoints in the main connection's commits: the WAL grows past 1000 pages, none copied", () => {
    const path = join(dir, 'main-only.db');
    const db = openDatabase(path, { autoCheckpointPages: 0 });
    table(db).write(40);
    assert.equal(db.pragma('wal_autocheckpoint'), 0);
    const index = walIndex(path);
    assert.ok(index.frames > 1000, `${index.frames} frames in the WAL`);
    assert.equal(index.backfilled, 0, 'no commit copied anything into the database file');
    db.close();
    // The same commits on a connection with SQLite's default: one of them checkpointed.
    const control = join(dir, 'sqlite-default.db');
    const defaults = openDatabase(control);
    table(defaults).write(40);
    const controlIndex = walIndex(control);
    assert.ok(controlIndex.frames < 1000 || controlIndex.backfilled > 0, 'SQLite checkpointed in a commit');
    defaults.close();
  });

  it('copies the WAL into the database file, and the WAL is then written over from its start', async () => {
    const path = join(dir, 'worker.db');
    const db = openDatabase(path, { autoCheckpointPages: 0 });
    const rows = table(db);
    // One round of commits with nothing checkpointing: the WAL file's size for one round.
    rows.write(10);
    const oneRound = walBytes(path);
    const checkpointer = started(startCheckpointer(db, { startBytes: 0, thresholdPages: 1, pollMs: 5 }), db);
    await waitFor('the worker to start', () => checkpointer.status().state === 'running');
    await waitFor('the worker to copy every frame', allCopied(path));
    for (let round = 0; round < 6; round += 1) {
      rows.write(10);
      await waitFor('the worker to copy every frame', allCopied(path));
    }
    assert.ok(checkpointer.status().checkpoints >= 7, 'the worker checkpointed');
    assert.ok(
      walBytes(path) <= oneRound * 1.5,
      `seven rounds in a WAL of ${walBytes(path)} bytes, one round's ${oneRound}: each round started over`,
    );
    // The database file alone, without its WAL, holds every commit.
    const copyDir = join(dir, 'copy');
    mkdirSync(copyDir);
    copyFileSync(path, join(copyDir, 'hub.db'));
    const copy = openDatabase(join(copyDir, 'hub.db'));
    assert.equal(digestOf(copy), digestOf(db));
    copy.close();
  });

  it('asks the main thread for a checkpoint once the WAL reaches its limit, which a reader may delay', async () => {
    const path = join(dir, 'reader.db');
    const db = openDatabase(path, { autoCheckpointPages: 0 });
    const rows = table(db);
    rows.write(2);
    const reader = openDatabase(path);
    const outcomes: CheckpointOutcome[] = [];
    const checkpointer = started(
      startCheckpointer(db, {
        startBytes: 0,
        thresholdPages: 50,
        limitPages: 400,
        pollMs: 5,
        onCheckpoint: (outcome) => outcomes.push(outcome),
      }),
      db,
    );
    await waitFor('the worker to start', () => checkpointer.status().state === 'running');
    reader.exec('BEGIN');
    const before = reader.prepare<{ n: number }>('SELECT count(*) AS n FROM t').get();
    rows.write(10);
    await waitFor('a checkpoint in the main thread', () => checkpointer.status().restarts >= 1);
    const main = outcomes.find((outcome) => outcome.thread === 'main');
    assert.ok(main !== undefined && main.frames >= 400, 'asked once the WAL held 400 frames');
    assert.ok(main.checkpointed < main.frames, 'the reader kept the last frames from the database file');
    assert.equal(checkpointer.status().refusedRestarts, 1);
    assert.ok(walIndex(path).frames >= 400, 'the frames the reader may need are kept');
    assert.deepEqual(reader.prepare<{ n: number }>('SELECT count(*) AS n FROM t').get(), before);
    reader.exec('COMMIT');
    reader.close();
    await waitFor('the worker to copy every frame', allCopied(path));
    const longest = walBytes(path);
    rows.write(2);
    assert.ok(walIndex(path).frames < 400, 'the next commits wrote from the start of the WAL');
    assert.equal(walBytes(path), longest, 'the WAL file did not grow');
  });

  it('falls back to checkpoints in the main connection when the worker dies', async () => {
    const path = join(dir, 'fallback.db');
    const db = openDatabase(path, { autoCheckpointPages: 0 });
    const rows = table(db);
    const errors: Error[] = [];
    // A worker that cannot open its database dies at once.
    const target = { ...db, path: join(dir, 'missing', 'hub.db') };
    const checkpointer = started(
      startCheckpointer(target, {
        startBytes: 0,
        thresholdPages: 100,
        onError: (error) => errors.push(error),
      }),
      db,
    );
    await waitFor('the worker to fail', () => checkpointer.status().state === 'failed');
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]?.message ?? '',
      /missing\/hub\.db: the checkpoint worker failed; the main connection/,
    );
    assert.ok(errors[0]?.cause instanceof Error, 'the cause is kept');
    assert.equal(checkpointer.status().error, errors[0]);
    assert.equal(db.pragma('wal_autocheckpoint'), 100);
    rows.write(10);
    const index = walIndex(path);
    assert.ok(index.backfilled > 0 || index.frames < 100, 'a commit checkpointed');
  });
});

describe("the store's checkpointer", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-store-checkpointer-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is stopped before the store closes its connection, which then removes the WAL; the data stays', async () => {
    const path = join(dir, 'data', 'hub.db');
    const store = openStore({ path, checkpointer: { startBytes: 0, thresholdPages: 20, pollMs: 5 } });
    await waitFor('the worker to start', () => store.checkpointerStatus()?.state === 'running');
    for (let i = 0; i < 300; i += 1) store.createCluster(newCluster(`c${i}`), T0);
    await waitFor('a checkpoint', () => (store.checkpointerStatus()?.checkpoints ?? 0) > 0);
    store.close();
    assert.equal(store.checkpointerStatus()?.state, 'stopped');
    assert.equal(
      existsSync(`${path}-wal`),
      false,
      'the main connection closed last, checkpointed and removed the WAL',
    );
    const reopened = openStore({ path, checkpointer: false });
    assert.equal(reopened.checkpointerStatus(), undefined);
    assert.equal(reopened.listClusters({ limit: 500 }).items.length, 300);
    assert.deepEqual(reopened.integrityCheck(), ['ok']);
    reopened.close();
  });

  it('closes at once while its thread is still starting', () => {
    const path = join(dir, 'quick', 'hub.db');
    const store = openStore({ path, checkpointer: { startBytes: 0 } });
    store.createCluster(newCluster('c1'), T0);
    store.close();
    assert.equal(store.checkpointerStatus()?.state, 'stopped');
    assert.equal(existsSync(`${path}-wal`), false);
  });

  it('starts no thread while the WAL is small, and one once it grows', async () => {
    const path = join(dir, 'lazy', 'hub.db');
    const store = openStore({ path, checkpointer: { startBytes: 512 * 1024, startPollMs: 5 } });
    try {
      store.createCluster(newCluster('c1'), T0);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(store.checkpointerStatus()?.state, 'waiting');
      for (let i = 2; i < 400; i += 1) store.createCluster(newCluster(`c${i}`), T0);
      assert.ok(walBytes(path) >= 512 * 1024);
      await waitFor('the worker to start', () => store.checkpointerStatus()?.state === 'running');
    } finally {
      store.close();
    }
  });
});
