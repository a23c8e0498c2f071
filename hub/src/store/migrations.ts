// Versioned migrations, run at open in one transaction. The schema version is SQLite's user_version:
// N means migrations 1..N have run. A database newer than this code is refused, never guessed at.
import type { Db } from './sqlite.ts';
import { StoreError } from './errors.ts';
import { SCHEMA_V1 } from './schema-v1.ts';

export interface Migration {
  /** 1, 2, 3, ...: the schema version once this migration has run. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Append only: a released migration is never edited, a change is a new one. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: SCHEMA_V1 },
  {
    version: 2,
    name: 'clusters: the Secret with the Git credential of a private repo',
    sql: "ALTER TABLE clusters ADD COLUMN credentials_secret TEXT NOT NULL DEFAULT '';",
  },
  {
    version: 3,
    name: 'disaster recovery: the revision and inventory recorded when recovery began; DR readiness',
    sql: `ALTER TABLE clusters ADD COLUMN recovery_head TEXT;
CREATE TABLE recovery_inventory (
  cluster_id INTEGER NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
  api_group TEXT NOT NULL,
  kind TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (cluster_id, api_group, kind, namespace, name)
) STRICT, WITHOUT ROWID;
CREATE TABLE readiness (
  cluster_id INTEGER PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE,
  scanned_at INTEGER NOT NULL,
  rebuildable INTEGER NOT NULL,
  total INTEGER NOT NULL,
  report TEXT NOT NULL CHECK (json_valid(report))
) STRICT;`,
  },
  {
    version: 4,
    // Every message an agent sends moves when its cluster was last heard. In the clusters row (a wide
    // one, ~13 to a page) with an index on it, that wrote a page of the table and moved an index entry
    // per message: ~17 µs of a heartbeat's ~25 µs at 10,000 clusters. In a narrow table of its own, a
    // commit's updates share a few dozen pages. What reads it (the stale filter and count) scans it in
    // under a millisecond at that size.
    name: 'when each cluster was last heard: a narrow table of its own, with no index',
    sql: `CREATE TABLE cluster_heard (
  cluster_id INTEGER PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE,
  at INTEGER NOT NULL
) STRICT;
INSERT INTO cluster_heard (cluster_id, at) SELECT id, last_heard_at FROM clusters WHERE last_heard_at IS NOT NULL;
DROP INDEX clusters_last_heard;
ALTER TABLE clusters DROP COLUMN last_heard_at;`,
  },
];

export interface MigrationOutcome {
  readonly from: number;
  readonly to: number;
  /** The names of the migrations this open ran, oldest first; empty when the schema was current. */
  readonly applied: readonly string[];
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version'));
}

/**
 * Brings the database to the newest schema: the missing migrations and the new user_version commit
 * together or not at all. The version is read inside the write transaction, so two hubs opening one
 * file at once cannot both migrate it.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): MigrationOutcome {
  checkOrder(migrations);
  const known = migrations.length;
  return db.transaction(() => {
    const from = schemaVersion(db);
    if (from > known) {
      throw new StoreError(
        'schema-too-new',
        `the database ${db.path} has schema version ${from}, newer than this hub's ${known}: run a hub at least as new as the one that wrote it`,
      );
    }
    const pending = migrations.slice(from);
    for (const migration of pending) db.exec(migration.sql);
    if (pending.length > 0) db.pragma(`user_version = ${known}`);
    return { from, to: known, applied: pending.map((migration) => migration.name) };
  });
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" is numbered ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}
