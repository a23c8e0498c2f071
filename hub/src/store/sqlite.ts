// The only module that imports better-sqlite3 (STYLE.md lesson 7). The rest of the hub works on Store.
import Database from 'better-sqlite3';

export interface Store {
  /** The SQLite journal mode in force; the hub always runs in WAL. */
  journalMode(): string;
  close(): void;
}

/** Opens (creating if needed) the hub's database file in WAL mode. */
export function openStore(path: string): Store {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return {
    journalMode: () => String(db.pragma('journal_mode', { simple: true })),
    close: () => {
      db.close();
    },
  };
}
