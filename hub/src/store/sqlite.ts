// The only module that imports better-sqlite3 (STYLE.md lesson 7). It opens the hub's database file with
// the settings that make an acknowledged write durable, and hands the rest of the store a narrow Db.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** What SQLite takes as a bound parameter. Booleans are not among them: bind 0 or 1. */
export type SqlValue = string | number | bigint | null | Uint8Array;

export interface RunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

/** A prepared statement whose rows have the shape R (the caller's SQL names the columns). */
export interface Statement<R> {
  run(...params: SqlValue[]): RunResult;
  get(...params: SqlValue[]): R | undefined;
  all(...params: SqlValue[]): R[];
}

export interface Db {
  readonly path: string;
  /** Prepared once per SQL text and cached. */
  prepare<R = Record<string, SqlValue>>(sql: string): Statement<R>;
  exec(sql: string): void;
  /** Runs fn in one write transaction (BEGIN IMMEDIATE); nested calls become savepoints. */
  transaction<T>(fn: () => T): T;
  /** A pragma's single value (`PRAGMA user_version` → 3). */
  pragma(sql: string): SqlValue;
  close(): void;
}

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating the file and its directory if needed) the hub's database: WAL journal, so readers
 * never block the writer and a crash leaves the file consistent; synchronous=FULL, so a transaction
 * that has returned is on disk (what the hub acknowledges survives a crash of the machine too, not only
 * of the process); foreign keys enforced; a busy timeout for a second connection.
 */
export function openDatabase(path: string): Db {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    db.close();
    throw error;
  }
  const statements = new Map<string, Database.Statement<SqlValue[]>>();
  const prepared = (sql: string): Database.Statement<SqlValue[]> => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<SqlValue[]>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    path,
    prepare<R>(sql: string): Statement<R> {
      const statement = prepared(sql);
      return {
        run: (...params) => statement.run(...params),
        get: (...params) => statement.get(...params) as R | undefined,
        all: (...params) => statement.all(...params) as R[],
      };
    },
    exec: (sql) => {
      db.exec(sql);
    },
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    pragma: (sql) => db.pragma(sql, { simple: true }) as SqlValue,
    close: () => {
      statements.clear();
      db.close();
    },
  };
}
