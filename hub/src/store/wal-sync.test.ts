import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createWalSync, type FileSync } from './wal-sync.ts';

/** A file whose syncs finish when the test says, counted. */
function heldFile() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let started = 0;
  const file: FileSync = {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        started += 1;
        pending.push({ resolve, reject });
      }),
    syncNow: () => {
      started += 1;
    },
    close: () => undefined,
  };
  return {
    file,
    get started() {
      return started;
    },
    finish: (error?: Error) => {
      const first = pending.shift();
      if (error === undefined) first?.resolve();
      else first?.reject(error);
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('syncing the WAL off the event loop', () => {
  it('gives callers during a sync the next one, shared: a sync under way may predate their commit', async () => {
    const held = heldFile();
    const wal = createWalSync('/db-wal', held.file);
    const done: string[] = [];
    const first = wal.sync().then(() => done.push('first'));
    const second = wal.sync().then(() => done.push('second'));
    const third = wal.sync().then(() => done.push('third'));
    assert.equal(held.started, 1);
    held.finish();
    await first;
    await tick();
    assert.deepEqual(done, ['first']);
    assert.equal(held.started, 2, 'one more sync for the two that waited');
    held.finish();
    await Promise.all([second, third]);
    assert.deepEqual(done, ['first', 'second', 'third']);
    const fourth = wal.sync();
    assert.equal(held.started, 3, 'idle: a new call starts at once');
    held.finish();
    await fourth;
  });

  it('rejects the callers of a failed sync, and the next call tries again', async () => {
    const held = heldFile();
    const wal = createWalSync('/db-wal', held.file);
    const failed = wal.sync();
    const waiting = wal.sync();
    held.finish(new Error('EIO'));
    await assert.rejects(failed, /EIO/);
    await tick();
    held.finish();
    await waiting;
    wal.close();
    await assert.rejects(wal.sync(), /closed/);
    assert.throws(() => {
      wal.syncNow();
    }, /closed/);
  });

  it('fdatasyncs a real file, and does nothing while it does not exist yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-wal-'));
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const path = join(dir, 'hub.db-wal');
    const wal = createWalSync(path);
    await wal.sync();
    wal.syncNow();
    writeFileSync(path, 'frames');
    await wal.sync();
    wal.syncNow();
    wal.close();
  });
});
