import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from './sqlite.ts';
import { parseWalIndex, readWalIndex, WAL_INDEX_HEADER_BYTES, WAL_INDEX_VERSION } from './wal-index.ts';

interface Header {
  version?: number;
  isInit?: number;
  pageSize?: number;
  frames?: number;
  backfilled?: number;
}

/** A wal-index header as SQLite lays it out: two equal copies of 48 bytes, then nBackfill. */
function header(fields: Header, littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(WAL_INDEX_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  for (const copy of [0, 48]) {
    view.setUint32(copy, fields.version ?? WAL_INDEX_VERSION, littleEndian);
    view.setUint8(copy + 12, fields.isInit ?? 1);
    view.setUint16(copy + 14, fields.pageSize ?? 4096, littleEndian);
    view.setUint32(copy + 16, fields.frames ?? 0, littleEndian);
  }
  view.setUint32(96, fields.backfilled ?? 0, littleEndian);
  return bytes;
}

describe('reading the wal-index header', () => {
  it('reads the frames in the WAL, those copied into the database file and the page size', () => {
    assert.deepEqual(parseWalIndex(header({ frames: 1501, backfilled: 1200 }), true), {
      ok: true,
      index: { frames: 1501, backfilled: 1200, pageSize: 4096 },
    });
    assert.deepEqual(parseWalIndex(header({ frames: 7, backfilled: 3, pageSize: 1024 }, false), false), {
      ok: true,
      index: { frames: 7, backfilled: 3, pageSize: 1024 },
    });
  });

  it('reads a page size of 64 KiB, which SQLite stores as 1', () => {
    const read = parseWalIndex(header({ pageSize: 1 }), true);
    assert.ok(read.ok);
    assert.equal(read.index.pageSize, 65536);
  });

  it('says why it cannot read a header: none yet, a commit publishing one, a format it does not know', () => {
    const changing = header({ frames: 10 });
    new DataView(changing.buffer).setUint32(16, 11, true);
    const cases: [string, Uint8Array, string][] = [
      ['an empty file', new Uint8Array(0), 'no-header'],
      ['a short file', header({}).subarray(0, 60), 'no-header'],
      ['zeros', new Uint8Array(WAL_INDEX_HEADER_BYTES), 'no-header'],
      ['a header not initialised', header({ isInit: 0 }), 'no-header'],
      ['two copies that differ', changing, 'changing'],
      ['another version', header({ version: 3007001 }), 'unknown-version'],
    ];
    for (const [name, bytes, reason] of cases) {
      assert.deepEqual(parseWalIndex(bytes, true), { ok: false, reason }, name);
    }
  });

  it("agrees with SQLite's own count on a real database", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-wal-index-'));
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const path = join(dir, 'hub.db');
    const db = openDatabase(path, { autoCheckpointPages: 0 });
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)');
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, randomblob(1000))');
    db.transaction(() => {
      for (let k = 0; k < 400; k += 1) insert.run(k);
    });
    const shm = openSync(`${path}-shm`, 'r');
    try {
      const before = readWalIndex(shm);
      assert.ok(before.ok);
      assert.equal(before.index.backfilled, 0);
      assert.equal(before.index.pageSize, 4096);
      const checkpoint = db
        .prepare<{ log: number; checkpointed: number }>('PRAGMA wal_checkpoint(PASSIVE)')
        .get();
      assert.equal(before.index.frames, checkpoint?.log);
      const afterCheckpoint = readWalIndex(shm);
      assert.ok(afterCheckpoint.ok);
      assert.equal(afterCheckpoint.index.backfilled, checkpoint?.checkpointed);
      assert.equal(afterCheckpoint.index.frames, before.index.frames);
    } finally {
      closeSync(shm);
      db.close();
    }
  });
});
