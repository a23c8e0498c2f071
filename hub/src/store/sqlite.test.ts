// Smoke test of the native addon: pnpm skips dependency build scripts unless allowed
// (pnpm-workspace.yaml, allowBuilds), and a missing better-sqlite3 binding only shows when loaded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from './sqlite.ts';

describe('hub store on a real SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the native better-sqlite3 addon and opens the file in WAL mode', () => {
    const file = join(dir, 'hub.db');
    const first = openStore(file);
    assert.equal(first.journalMode(), 'wal');
    first.close();
    assert.ok(statSync(file).size > 0, 'the database file was written');
    // WAL mode is recorded in the file itself, so a second open finds it set.
    const second = openStore(file);
    assert.equal(second.journalMode(), 'wal');
    second.close();
  });
});
