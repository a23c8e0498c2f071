// How far the WAL has grown and how much of it is already copied into the database file, read without
// SQLite and without a lock: the wal-index header at the start of the `-shm` file, which every
// connection to the database maps into memory (https://sqlite.org/walformat.html). Its layout is fixed
// by the wal-index version (3007000 since SQLite 3.7.0): processes that link different SQLite versions
// share one file, so it cannot change under that number. The checkpoint worker reads it a few dozen
// times a second for a few bytes; the values are a hint (a writer may be updating them), never a lock.
import { readSync } from 'node:fs';
import { endianness } from 'node:os';

/** The wal-index format this module reads (WalIndexHdr.iVersion). */
export const WAL_INDEX_VERSION = 3007000;

/** Two copies of the 48-byte header, then the checkpoint info (nBackfill first). */
export const WAL_INDEX_HEADER_BYTES = 100;

const HEADER_COPY_BYTES = 48;
const MX_FRAME_OFFSET = 16;
const PAGE_SIZE_OFFSET = 14;
const IS_INIT_OFFSET = 12;
const BACKFILL_OFFSET = 2 * HEADER_COPY_BYTES;

export interface WalIndex {
  /** Frames in the WAL since it was last reset (a frame is one page written by one commit). */
  readonly frames: number;
  /** Of those, how many a checkpoint has copied into the database file. */
  readonly backfilled: number;
  readonly pageSize: number;
}

export const WAL_INDEX_UNREADABLE = ['no-header', 'changing', 'unknown-version'] as const;
/** no-header: no connection has built it yet; changing: the two copies differ (a commit is publishing). */
export type WalIndexUnreadable = (typeof WAL_INDEX_UNREADABLE)[number];

export type WalIndexRead =
  | { readonly ok: true; readonly index: WalIndex }
  | { readonly ok: false; readonly reason: WalIndexUnreadable };

/** The header from the first bytes of a `-shm` file (native byte order, as SQLite maps it). */
export function parseWalIndex(bytes: Uint8Array, littleEndian = endianness() === 'LE'): WalIndexRead {
  if (bytes.length < WAL_INDEX_HEADER_BYTES) return { ok: false, reason: 'no-header' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, littleEndian);
  if (version === 0 || view.getUint8(IS_INIT_OFFSET) === 0) return { ok: false, reason: 'no-header' };
  if (version !== WAL_INDEX_VERSION) return { ok: false, reason: 'unknown-version' };
  for (let i = 0; i < HEADER_COPY_BYTES; i += 1) {
    if (bytes[i] !== bytes[HEADER_COPY_BYTES + i]) return { ok: false, reason: 'changing' };
  }
  // A page size of 65536 does not fit in 16 bits: SQLite stores it as 1.
  const storedPageSize = view.getUint16(PAGE_SIZE_OFFSET, littleEndian);
  return {
    ok: true,
    index: {
      frames: view.getUint32(MX_FRAME_OFFSET, littleEndian),
      backfilled: view.getUint32(BACKFILL_OFFSET, littleEndian),
      pageSize: storedPageSize === 1 ? 65536 : storedPageSize,
    },
  };
}

/** Reads the header through an open descriptor of the `-shm` file into `buffer` (reused between calls). */
export function readWalIndex(
  fd: number,
  buffer: Uint8Array = new Uint8Array(WAL_INDEX_HEADER_BYTES),
): WalIndexRead {
  const read = readSync(fd, buffer, 0, WAL_INDEX_HEADER_BYTES, 0);
  return parseWalIndex(buffer.subarray(0, read));
}
