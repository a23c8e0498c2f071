// Taking what was committed without waiting for the disk (a transaction with durable: false) to the disk
// later, off the event loop: an fdatasync of the WAL file on libuv's thread pool. SQLite appends every
// commit to the WAL in order (in WAL mode, synchronous=NORMAL only leaves out the sync at commit; it
// still syncs the WAL itself before each checkpoint and when it starts reusing the file), so one sync
// takes every commit made before it to the disk. Calls made while a sync runs share the next one: a
// sync that started before a commit cannot vouch for it.
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WalSync {
  /** Resolves once every commit made before this call is on the disk; rejects when the sync failed. */
  sync(): Promise<void>;
  /** The same, blocking (shutdown, a reconnect's hello): throws when the sync failed. */
  syncNow(): void;
  /** Closes the file once the syncs under way are done; later calls fail. */
  close(): void;
}

/** How a file is synced: for tests; the default fdatasyncs a descriptor opened once. */
export interface FileSync {
  sync(path: string): Promise<void>;
  syncNow(path: string): void;
  close(): void;
}

function descriptorSync(): FileSync {
  let fd: number | undefined;
  /** The WAL's descriptor; undefined while there is no WAL yet (nothing written: nothing to sync). */
  const descriptor = (path: string): number | undefined => {
    if (fd !== undefined) return fd;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // The WAL's directory entry too, once (SQLite does so for a new WAL at its first sync): a file
    // whose data is on the disk but whose name is not would be lost with everything in it. SQLite
    // keeps this file (same inode) while the database is open, so one descriptor serves every sync.
    const directory = openSync(dirname(path), 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
    return fd;
  };
  return {
    sync: (path) =>
      new Promise<void>((resolve, reject) => {
        const handle = descriptor(path);
        if (handle === undefined) {
          resolve();
          return;
        }
        fdatasync(handle, (error) => {
          if (error === null) resolve();
          else reject(error);
        });
      }),
    syncNow: (path) => {
      const handle = descriptor(path);
      if (handle !== undefined) fdatasyncSync(handle);
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** A syncer for the WAL at `walPath` (the database file's path with `-wal`). */
export function createWalSync(walPath: string, file: FileSync = descriptorSync()): WalSync {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  let closed = false;
  const refuse = (): Error => new Error(`${walPath}: the WAL syncer is closed`);

  const start = (): Promise<void> => {
    const current = file.sync(walPath).finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };

  return {
    sync: () => {
      if (closed) return Promise.reject(refuse());
      if (running === undefined) return start();
      // One sync is under way and may have started before the caller's commit: wait for the next.
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = undefined;
          return start();
        });
      return next;
    },
    syncNow: () => {
      if (closed) throw refuse();
      file.syncNow(walPath);
    },
    close: () => {
      closed = true;
      // After the syncs under way: their descriptor must not be closed (and its number reused) beneath them.
      void Promise.allSettled([running, next]).then(() => {
        file.close();
      });
    },
  };
}
