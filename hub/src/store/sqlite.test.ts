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
    assert.equal(db.pragma('synchronous'), 2, 'synchronous=FULL');
    assert.equal(db.pragma('foreign_keys'), 1);
    assert.equal(db.pragma('busy_timeout'), 5000);
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
