// Smoke test of the native addon: pnpm skips dependency build scripts unless allowed
// (pnpm-workspace.yaml, allowBuilds), and a missing better-sqlite3 binding only shows when loaded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from './sqlite.ts';

describe('the SQLite connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-sqlite-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the native better-sqlite3 addon and opens the file in WAL mode, creating its directory', () => {
    const file = join(dir, 'nested', 'hub.db');
    const first = openDatabase(file);
    assert.equal(first.pragma('journal_mode'), 'wal');
    first.exec('CREATE TABLE t (x INTEGER)');
    first.close();
    assert.ok(statSync(file).size > 0, 'the database file was written');
    // WAL mode is recorded in the file itself, so a second open finds it set.
    const second = openDatabase(file);
    assert.equal(second.pragma('journal_mode'), 'wal');
    second.close();
  });

  it('makes every commit durable, enforces foreign keys and waits on a busy lock', () => {
    const db = openDatabase(join(dir, 'settings.db'));
    // The WAL is synced by the Db after each durable commit (below), not by SQLite at every commit.
    assert.equal(db.pragma('synchronous'), 1, 'synchronous=NORMAL');
    assert.equal(db.pragma('foreign_keys'), 1);
    assert.equal(db.pragma('busy_timeout'), 5000);
    db.close();
  });

  it('syncs the WAL after a durable commit and a write of its own, and leaves a lazy commit to persist()', async () => {
    const synced: string[] = [];
    const walSync = {
      sync: (path: string) => {
        synced.push(`async ${path.slice(-8)}`);
        return Promise.resolve();
      },
      syncNow: (path: string) => {
        synced.push(`now ${path.slice(-8)}`);
      },
      close: () => undefined,
    };
    const db = openDatabase(join(dir, 'durable.db'), { walSync });
    db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
    assert.deepEqual(synced, ['now e.db-wal'], 'a statement outside a transaction');
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    synced.length = 0;
    db.transaction(() => {
      insert.run(1);
      insert.run(2);
    });
    assert.deepEqual(synced, ['now e.db-wal'], 'once per durable transaction, after its commit');
    synced.length = 0;
    db.transaction(
      () => {
        insert.run(3);
      },
      { durable: false },
    );
    db.prepare('SELECT x FROM t').all();
    assert.deepEqual(synced, [], 'a lazy commit and a read do not wait for the disk');
    await db.persist();
    db.persistNow();
    assert.deepEqual(synced, ['async e.db-wal', 'now e.db-wal']);
    synced.length = 0;
    insert.run(4);
    db.prepare('DELETE FROM t WHERE x = ?').run(99);
    assert.deepEqual(synced, ['now e.db-wal'], 'a write that changed nothing needs no sync');
    db.close();
  });

  it('returns rows as arrays of values with rows(), in the SELECT order', () => {
    const db = openDatabase(join(dir, 'rows.db'));
    db.exec("CREATE TABLE t (a TEXT, b INTEGER); INSERT INTO t VALUES ('x', 1), ('y', 2);");
    const select = db.prepare<{ a: string; b: number }>('SELECT b, a FROM t ORDER BY b');
    assert.deepEqual(select.rows(), [
      [1, 'x'],
      [2, 'y'],
    ]);
    assert.deepEqual(select.all(), [
      { b: 1, a: 'x' },
      { b: 2, a: 'y' },
    ]);
    db.close();
  });

  it('rolls a failed transaction back whole, and a nested one back to its savepoint', () => {
    const db = openDatabase(join(dir, 'tx.db'));
    db.exec('CREATE TABLE t (x INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    assert.throws(() => {
      db.transaction(() => {
        insert.run(1);
        insert.run(null);
      });
    });
    db.transaction(() => {
      insert.run(2);
      assert.throws(() =>
        db.transaction(() => {
          insert.run(3);
          throw new Error('inner');
        }),
      );
    });
    const rows = db.prepare<{ x: number }>('SELECT x FROM t ORDER BY x').all();
    assert.deepEqual(
      rows.map((row) => row.x),
      [2],
    );
    db.close();
  });
});
