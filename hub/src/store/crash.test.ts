// kill -9 at random moments while agent batches are being stored: the file must stay sound, and every
// seq acknowledged (printed only after applyAgentBatch returned) must be stored, exactly once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { CHUNKS, CRASH_LIMITS, CYCLE, RESOURCES_PER_CHUNK, resourceName, slotOf } from './crash-records.ts';
import { openStore, type Store } from './store.ts';
import { newCluster, T0 } from './test-store.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '..', '..', '..');
const WRITER = join(HERE, 'crash-writer.ts');
const KILLS = 6;
const CLUSTER = 'c1';
const EPOCH = 'agent-process-1';

interface Round {
  readonly start: number;
  readonly acks: number[];
}

/** Runs a writer until it has printed at least `wanted` acks, then kills it with SIGKILL. */
function runAndKill(path: string, wanted: number): Promise<Round> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ferry/source', WRITER, path, CLUSTER, EPOCH],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let start: number | undefined;
    const acks: number[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'start') start = Number(value);
        if (word === 'ack') acks.push(Number(value));
      }
      if (!killed && acks.length >= wanted) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        fail(new Error(`the writer exited by itself (code ${code}, signal ${signal}): ${stderr}`));
      } else if (start === undefined) {
        fail(new Error(`the writer printed no start line: ${stderr}`));
      } else {
        done({ start, acks });
      }
    });
  });
}

function allHistory(store: Store): string[] {
  const ids: string[] = [];
  let before: string | undefined;
  do {
    const page = store.history(CLUSTER, { limit: 1000, before });
    ids.push(...page.items.map((item) => item.syncId));
    before = page.next;
  } while (before !== undefined);
  return ids;
}

function seqsInSlots(stored: number, slots: readonly number[]): number[] {
  return Array.from({ length: stored }, (_, i) => i + 1).filter((seq) => slots.includes(slotOf(seq).slot));
}

/** What the store must hold once seqs 1..stored are in: each exactly once, the latest complete snapshot. */
function checkContents(store: Store, stored: number): void {
  const events = store
    .events(CLUSTER)
    .map((event) => event.message)
    .sort();
  const expectedEvents = seqsInSlots(stored, [6, 7, 8, 9])
    .map((seq) => `seq ${seq}`)
    .sort();
  assert.deepEqual(events, expectedEvents, 'every event once');
  const syncs = allHistory(store).sort();
  assert.deepEqual(
    syncs,
    seqsInSlots(stored, [3])
      .map((seq) => `sync-${seq}`)
      .sort(),
    'every sync once',
  );
  assert.equal(store.drift(CLUSTER).length, seqsInSlots(stored, [5]).length, 'every drift report once');
  const lastBlock = Math.floor((stored - CHUNKS) / CYCLE);
  const names = store
    .resources(CLUSTER, { limit: 1000 })
    .items.map((resource) => resource.ref.name)
    .sort();
  if (lastBlock < 0) {
    assert.deepEqual(names, [], 'no snapshot complete yet');
    return;
  }
  const expected = Array.from({ length: CHUNKS }, (_, chunk) =>
    Array.from({ length: RESOURCES_PER_CHUNK }, (_, item) => resourceName(lastBlock, chunk, item)),
  )
    .flat()
    .sort();
  assert.deepEqual(names, expected, 'the resources of the latest complete snapshot, whole');
  assert.equal(store.snapshotMeta(CLUSTER)?.snapshotId, `snap-${lastBlock}`);
}

describe('a writer killed with SIGKILL at random moments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-crash-'));
  const path = join(dir, 'hub.db');
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a sound database holding every acknowledged seq exactly once, and the next writer continues', async () => {
    const setup = openStore({ path, limits: CRASH_LIMITS });
    setup.createCluster(newCluster(CLUSTER), T0);
    setup.close();
    let stored = 0;
    for (let round = 0; round < KILLS; round += 1) {
      const wanted = 3 + Math.floor(Math.random() * 60);
      const { start, acks } = await runAndKill(path, wanted);
      assert.equal(start, stored, `round ${round}: the writer resumed from the seq stored`);
      const store = openStore({ path, limits: CRASH_LIMITS });
      try {
        assert.deepEqual(store.integrityCheck(), ['ok'], `round ${round}: integrity_check`);
        stored = store.epochSeq(CLUSTER, EPOCH);
        const highest = Math.max(...acks);
        assert.ok(acks.length >= wanted, `round ${round}: read ${acks.length} acks`);
        assert.ok(stored >= highest, `round ${round}: acknowledged ${highest}, stored only ${stored}`);
        checkContents(store, stored);
      } finally {
        store.close();
      }
    }
    assert.ok(stored > KILLS * 3, `the writers made progress (${stored} seqs stored)`);
  });
});
