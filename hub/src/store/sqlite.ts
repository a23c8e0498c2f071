// The only module that imports better-sqlite3 (STYLE.md lesson 7), with checkpoint-worker.ts, the thread
// that checkpoints the same file (checkpointer.ts). It opens the hub's database file with the settings
// that make an acknowledged write durable, and hands the rest of the store a narrow Db.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createWalSync, type FileSync } from './wal-sync.ts';

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
  /** Every row as an array of its columns' values, in the SELECT's order (no object per row). */
  rows(...params: SqlValue[]): SqlValue[][];
}

export interface TransactionOptions {
  /**
   * false: the commit returns without waiting for the disk; the next durable commit, or persist(),
   * takes it there (the WAL is written in order and synced whole). For writes nothing is acknowledged
   * on yet. Default true; ignored for a nested call (the outer one decides).
   */
  readonly durable?: boolean;
}

export interface Db {
  readonly path: string;
  /** Prepared once per SQL text and cached. */
  prepare<R = Record<string, SqlValue>>(sql: string): Statement<R>;
  exec(sql: string): void;
  /** Runs fn in one write transaction (BEGIN IMMEDIATE); nested calls become savepoints. */
  transaction<T>(fn: () => T, options?: TransactionOptions): T;
  /** Resolves once every commit made so far is on the disk (synced off the event loop). */
  persist(): Promise<void>;
  /** The same, blocking. */
  persistNow(): void;
  /** A pragma's single value (`PRAGMA user_version` → 3). */
  pragma(sql: string): SqlValue;
  close(): void;
}

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * SQLite's page cache, KiB (its default is 2 MiB): a fleet of 10,000 clusters keeps some 2 million
 * resource rows, and the pages every commit touches should be found in memory, not read again.
 */
export const CACHE_KIB = 64 * 1024;

export interface OpenOptions {
  /** How the WAL file is synced (tests count the syncs); fdatasync by default. */
  readonly walSync?: FileSync;
  /**
   * SQLite's wal_autocheckpoint: the WAL size (frames) at which a commit checkpoints, on the thread that
   * commits. 0: never, the checkpointer's worker does (checkpointer.ts). SQLite's 1000 by default.
   */
  readonly autoCheckpointPages?: number;
}

/**
 * Opens (creating the file and its directory if needed) the hub's database: WAL journal, so readers
 * never block the writer and a crash leaves the file consistent; every write that returns is on disk
 * (what the hub acknowledges survives a crash of the machine too, not only of the process), unless it
 * asked not to wait (a transaction with durable: false, taken to the disk by the next durable one or by
 * persist()); foreign keys enforced; a busy timeout for a second connection.
 *
 * Durability is this module's, not SQLite's: synchronous=NORMAL (in WAL mode SQLite then still syncs
 * the WAL before each checkpoint and when it starts reusing it, but not at a commit), and after every
 * durable commit the WAL is fdatasync'd (what synchronous=FULL would do), which a lazy commit leaves for
 * later and persist() does on libuv's thread pool.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  const wal = createWalSync(`${path}-wal`, options.walSync);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma(`cache_size = -${CACHE_KIB}`);
    if (options.autoCheckpointPages !== undefined) {
      db.pragma(`wal_autocheckpoint = ${options.autoCheckpointPages}`);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  // One wrapper per SQL text, made once: a commit runs thousands of statements, and building a wrapper
  // (and its closures) per call cost more than many of the statements themselves.
  const statements = new Map<string, Statement<unknown>>();
  const wrap = <R>(sql: string): Statement<R> => {
    const statement = db.prepare<SqlValue[]>(sql);
    /** The same SQL in raw mode, made on first use: a statement of its own, so this one keeps returning objects. */
    let raw: Database.Statement<SqlValue[]> | undefined;
    return {
      run: (...params) => {
        const result = statement.run(...params);
        // A write outside any transaction is its own commit: durable when it returns.
        if (result.changes > 0 && !db.inTransaction) wal.syncNow();
        return result;
      },
      get: (...params) => statement.get(...params) as R | undefined,
      all: (...params) => statement.all(...params) as R[],
      rows: (...params) => (raw ??= db.prepare<SqlValue[]>(sql).raw(true)).all(...params) as SqlValue[][],
    };
  };
  const prepare = <R>(sql: string): Statement<R> => {
    let statement = statements.get(sql) as Statement<R> | undefined;
    if (statement === undefined) {
      statement = wrap<R>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  // Transactions by hand with cached statements (better-sqlite3's db.transaction() builds its wrappers
  // at every call): BEGIN IMMEDIATE at the top, a savepoint when nested, rolled back on a throw.
  const control = (sql: string): (() => void) => {
    const statement = db.prepare(sql);
    return () => {
      statement.run();
    };
  };
  const begin = control('BEGIN IMMEDIATE');
  const commit = control('COMMIT');
  const rollback = control('ROLLBACK');
  const savepoint = control('SAVEPOINT nested');
  const release = control('RELEASE nested');
  const rollbackTo = control('ROLLBACK TO nested');
  // A function, not the property read in place: fn() may end the transaction (SQLite rolls some errors back).
  const inTransaction = (): boolean => db.inTransaction;
  const run = <T>(fn: () => T): T => {
    if (inTransaction()) {
      savepoint();
      try {
        const result = fn();
        release();
        return result;
      } catch (error) {
        if (inTransaction()) {
          rollbackTo();
          release();
        }
        throw error;
      }
    }
    begin();
    try {
      const result = fn();
      commit();
      return result;
    } catch (error) {
      if (inTransaction()) rollback();
      throw error;
    }
  };
  return {
    path,
    prepare,
    exec: (sql) => {
      db.exec(sql);
      if (!db.inTransaction) wal.syncNow();
    },
    transaction: <T>(fn: () => T, options: TransactionOptions = {}): T => {
      if (db.inTransaction) return run(fn);
      const result = run(fn);
      if (options.durable !== false) wal.syncNow();
      return result;
    },
    persist: () => wal.sync(),
    persistNow: () => {
      wal.syncNow();
    },
    pragma: (sql) => db.pragma(sql, { simple: true }) as SqlValue,
    close: () => {
      statements.clear();
      wal.close();
      db.close();
    },
  };
}
