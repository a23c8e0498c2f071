import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { DEFAULT_STORE_LIMITS } from './context.ts';
import { openStore } from './store.ts';
import { at, newCluster, T0, tempStore } from './test-store.ts';
import type { AgentRecord } from './types.ts';

describe('opening the store', () => {
  const { store, path, cleanup } = tempStore({ limits: { epochsPerCluster: 2 } });
  after(cleanup);

  it('creates the file and its directory, in WAL mode, with the default limits filled in', () => {
    assert.ok(existsSync(path));
    assert.equal(store.journalMode(), 'wal');
    assert.deepEqual(store.limits, { ...DEFAULT_STORE_LIMITS, epochsPerCluster: 2 });
    assert.deepEqual(store.integrityCheck(), ['ok']);
  });

  it('shows a second connection what the first committed', () => {
    store.createCluster(newCluster('c1'), T0);
    const reader = openStore({ path });
    assert.equal(reader.getCluster('c1')?.name, 'c1');
    reader.close();
  });

  it('forgets the oldest agent epochs of a cluster past the bound', () => {
    const beat = (epoch: string): AgentRecord => ({ epoch, seq: 5, type: 'heartbeat' });
    store.applyAgentBatch('c1', [beat('e1')], at(1));
    store.applyAgentBatch('c1', [beat('e2')], at(2));
    store.applyAgentBatch('c1', [beat('e3')], at(3));
    assert.deepEqual(
      ['e1', 'e2', 'e3'].map((epoch) => store.epochSeq('c1', epoch)),
      [0, 5, 5],
    );
  });

  it('answers empty for the records of an unknown cluster', () => {
    assert.deepEqual(store.events('nowhere'), []);
    assert.deepEqual(store.drift('nowhere'), []);
    assert.equal(store.snapshotMeta('nowhere'), undefined);
    assert.equal(store.epochSeq('nowhere', 'e1'), 0);
  });
});
