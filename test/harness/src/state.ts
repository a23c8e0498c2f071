// state.json: what a harness directory holds running. Read-modify-write under a lock directory, so
// several processes (test files run in parallel) can add clusters to one harness.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { HarnessError } from './errors.ts';
import type { HarnessState } from './types.ts';

const LOCK_TIMEOUT_MS = 60_000;
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 120_000;

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export function readState(dir: string): HarnessState {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as HarnessState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { dir, etcd: undefined, clusters: {}, git: undefined };
    }
    throw new HarnessError('bad-state', `cannot read ${statePath(dir)}`, { cause: error });
  }
}

function writeState(dir: string, state: HarnessState): void {
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, statePath(dir));
}

async function lock(dir: string): Promise<() => void> {
  const lockDir = join(dir, '.state.lock');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return () => {
        rmSync(lockDir, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > STALE_LOCK_MS)
          rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // It went away between the two calls: take it on the next turn.
      }
      if (Date.now() > deadline) throw new HarnessError('timeout', `could not lock ${lockDir} within 60 s`);
      await delay(25);
    }
  }
}

/** Runs change() on the current state under the lock and stores what it returns. */
export async function updateState<T>(
  dir: string,
  change: (
    state: HarnessState,
  ) => Promise<{ state: HarnessState; result: T }> | { state: HarnessState; result: T },
): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const unlock = await lock(dir);
  try {
    const { state, result } = await change(readState(dir));
    writeState(dir, state);
    return result;
  } finally {
    unlock();
  }
}
