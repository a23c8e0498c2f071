import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StoreError } from './errors.ts';
import { migrate, MIGRATIONS, schemaVersion, type Migration } from './migrations.ts';
import { openDatabase } from './sqlite.ts';
import { openStore } from './store.ts';

const TABLES = [
  'agent_epochs',
  'api_tokens',
  'cluster_heard',
  'clusters',
  'credentials',
  'drift',
  'enrollment_tokens',
  'events',
  'readiness',
  'recovery_inventory',
  'resources',
  'snapshot_staging',
  'snapshots',
  'syncs',
];

describe('migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-migrations-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers the migrations 1, 2, 3, ... in order', () => {
    assert.deepEqual(
      MIGRATIONS.map((migration) => migration.version),
      MIGRATIONS.map((_, index) => index + 1),
    );
  });

  it('creates every table on an empty file and records the schema version', () => {
    const store = openStore({ path: join(dir, 'empty.db') });
    assert.deepEqual(store.migration, {
      from: 0,
      to: MIGRATIONS.length,
      applied: MIGRATIONS.map((m) => m.name),
    });
    store.close();
    const db = openDatabase(join(dir, 'empty.db'));
    const tables = db
      .prepare<{ name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => row.name);
    assert.deepEqual(tables, TABLES);
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    db.close();
  });

  it('runs nothing when a current database is opened again', () => {
    const path = join(dir, 'reopen.db');
    openStore({ path }).close();
    const again = openStore({ path });
    assert.deepEqual(again.migration, { from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    assert.deepEqual(again.integrityCheck(), ['ok']);
    again.close();
  });

  it('runs only the migrations an older database is missing', () => {
    const path = join(dir, 'older.db');
    const first: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' };
    const second: Migration = { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN y TEXT' };
    const db = openDatabase(path);
    assert.deepEqual(migrate(db, [first]), { from: 0, to: 1, applied: ['one'] });
    assert.deepEqual(migrate(db, [first, second]), { from: 1, to: 2, applied: ['two'] });
    db.prepare("INSERT INTO a (x, y) VALUES (1, 'y')").run();
    db.close();
  });

  it('keeps when each cluster was last heard, moving it out of the clusters row (migration 4)', () => {
    const path = join(dir, 'v3.db');
    const db = openDatabase(path);
    migrate(db, MIGRATIONS.slice(0, 3));
    const insert = db.prepare(
      `INSERT INTO clusters (name, labels, repo, ref, path, target_namespace, state, created_at, last_heard_at)
       VALUES (?, '{}', 'https://git.example.com/fleet.git', 'main', 'clusters', 'apps', 'enrolled', 1, ?)`,
    );
    insert.run('heard', Date.UTC(2026, 10, 27, 12));
    insert.run('never-heard', null);
    db.close();
    const store = openStore({ path });
    assert.deepEqual(store.migration.applied, [MIGRATIONS[3]?.name]);
    assert.equal(store.getCluster('heard')?.lastHeardAt?.toISOString(), '2026-11-27T12:00:00.000Z');
    assert.equal(store.getCluster('never-heard')?.lastHeardAt, undefined);
    store.close();
  });

  it('leaves the database untouched when a migration fails', () => {
    const path = join(dir, 'failing.db');
    const db = openDatabase(path);
    const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE a (x INTEGER)' };
    const bad: Migration = {
      version: 2,
      name: 'bad',
      sql: 'CREATE TABLE b (x INTEGER); SELECT nonsense FROM nowhere',
    };
    assert.throws(() => migrate(db, [good, bad]), /no such table: nowhere/);
    assert.equal(schemaVersion(db), 0);
    assert.equal(db.prepare("SELECT name FROM sqlite_schema WHERE name IN ('a', 'b')").get(), undefined);
    db.close();
  });

  it('refuses a database newer than the code, naming both versions', () => {
    const path = join(dir, 'newer.db');
    openStore({ path }).close();
    const db = openDatabase(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 3}`);
    db.close();
    assert.throws(
      () => openStore({ path }),
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'schema-too-new' &&
        error.message.includes(`schema version ${MIGRATIONS.length + 3}`) &&
        error.message.includes(`this hub's ${MIGRATIONS.length}`),
    );
  });

  it('refuses a list of migrations numbered out of order', () => {
    const db = openDatabase(join(dir, 'order.db'));
    assert.throws(() => migrate(db, [{ version: 2, name: 'two', sql: '' }]), /numbered 2, expected 1/);
    db.close();
  });
});
