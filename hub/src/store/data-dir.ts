// Where the hub keeps its database when the configuration names no path.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The database file's name inside the data directory. */
export const DB_FILE_NAME = 'hub.db';

export interface DataDirContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The process's user id; undefined where the platform has none. */
  readonly uid: number | undefined;
  readonly home: string;
}

/** `$FERRY_HUB_DATA` when set; `/var/lib/ferry-hub` for root; `~/.ferry-hub` for anyone else. */
export function defaultDataDir(context: DataDirContext = processContext()): string {
  const fromEnv = context.env.FERRY_HUB_DATA;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (context.uid === 0) return '/var/lib/ferry-hub';
  return join(context.home, '.ferry-hub');
}

/** The database file in the default data directory. */
export function defaultDbPath(context: DataDirContext = processContext()): string {
  return join(defaultDataDir(context), DB_FILE_NAME);
}

function processContext(): DataDirContext {
  return { env: process.env, uid: process.getuid?.(), home: homedir() };
}
