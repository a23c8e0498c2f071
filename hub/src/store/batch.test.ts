import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, newCluster, ref, sync, T0, tempStore } from './test-store.ts';
import type { AgentRecord, EventRecord } from './types.ts';

function event(seq: number, epoch = 'e1'): AgentRecord {
  const record: EventRecord = { at: at(seq), type: 'Normal', reason: 'Synced', message: `seq ${seq}` };
  return { epoch, seq, type: 'event', event: record };
}

describe('storing a batch of agent records', () => {
  const { store, cleanup } = tempStore({
    limits: { historyPerCluster: 3, eventsPerCluster: 4, driftPerCluster: 2 },
  });
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  store.createCluster(newCluster('c2'), T0);

  it('stores the records and acknowledges the highest seq per epoch', () => {
    const result = store.applyAgentBatch('c1', [event(1), event(2), event(1, 'e2')], at(10));
    assert.deepEqual(result, {
      ok: true,
      cluster: 'c1',
      acks: [
        { epoch: 'e1', seq: 2 },
        { epoch: 'e2', seq: 1 },
      ],
      stored: 3,
      duplicates: 0,
      completedSnapshots: [],
      abandonedSnapshots: [],
      snapshotNeeded: false,
      viewChanged: true,
    });
    assert.equal(store.epochSeq('c1', 'e1'), 2);
    assert.deepEqual(store.getCluster('c1')?.lastHeardAt, at(10));
  });

  it('acknowledges a resent (epoch, seq) again without storing it twice', () => {
    const result = store.applyAgentBatch('c1', [event(1), event(2), event(3)], at(11));
    assert.ok(result.ok);
    assert.deepEqual([result.acks, result.stored, result.duplicates], [[{ epoch: 'e1', seq: 3 }], 1, 2]);
    const messages = store.events('c1').map((e) => e.message);
    assert.deepEqual(messages, ['seq 3', 'seq 2', 'seq 1', 'seq 1']);
  });

  it('keeps the newest events per cluster within the bound', () => {
    store.applyAgentBatch('c1', [event(4), event(5), event(6)], at(12));
    assert.deepEqual(
      store.events('c1').map((e) => e.message),
      ['seq 6', 'seq 5', 'seq 4', 'seq 3'],
    );
    assert.deepEqual(
      store.events('c1', { limit: 2 }).map((e) => e.message),
      ['seq 6', 'seq 5'],
    );
  });

  it('stores a sync once per (cluster, sync id), even when sent again in a new epoch', () => {
    const first = sync('s1', at(100));
    store.applyAgentBatch('c1', [{ epoch: 'e1', seq: 7, type: 'sync', sync: first }], at(101));
    store.applyAgentBatch(
      'c1',
      [{ epoch: 'e3', seq: 1, type: 'sync', sync: { ...first, result: 'failed' } }],
      at(102),
    );
    const history = store.history('c1', { limit: 10 }).items;
    assert.equal(history.length, 1);
    assert.deepEqual(history[0], first);
    assert.equal(store.getCluster('c1')?.sync?.result, 'applied');
  });

  it('keeps the newest syncs per cluster within the bound', () => {
    const records: AgentRecord[] = [2, 3, 4, 5].map((n) => ({
      epoch: 'e3',
      seq: n,
      type: 'sync',
      sync: sync(`s${n}`, at(100 + n * 10)),
    }));
    store.applyAgentBatch('c1', records, at(200));
    assert.deepEqual(
      store.history('c1', { limit: 10 }).items.map((s) => s.syncId),
      ['s5', 's4', 's3'],
    );
  });

  it('moves the cluster’s sync summary and health to its newest sync, and keeps the last applied revision', () => {
    const failed = sync('s6', at(300), {
      result: 'failed',
      revision: 'rev-bad',
      health: { status: 'Failed', message: 'Deployment/apps/web: 0 of 2 available' },
      errors: [{ message: 'apply failed', step: 'apply', ref: ref('web') }],
    });
    store.applyAgentBatch('c1', [{ epoch: 'e3', seq: 6, type: 'sync', sync: failed }], at(301));
    // An older sync arriving late does not move the summary back.
    store.applyAgentBatch('c1', [{ epoch: 'e3', seq: 7, type: 'sync', sync: sync('s0', at(1)) }], at(302));
    const cluster = store.getCluster('c1');
    assert.deepEqual(cluster?.sync, {
      syncId: 's6',
      revision: 'rev-bad',
      result: 'failed',
      commitTime: at(295),
      startedAt: at(300),
      appliedRevision: 'rev-s5',
      lastAppliedAt: new Date(at(150).getTime() + 1200),
    });
    assert.deepEqual(cluster.health, failed.health);
    assert.deepEqual(store.history('c1', { limit: 1 }).items[0]?.errors, failed.errors);
  });

  it('updates the cluster’s health from a heartbeat that carries one', () => {
    store.applyAgentBatch(
      'c1',
      [{ epoch: 'e3', seq: 8, type: 'heartbeat', health: { status: 'Current', message: 'recovered' } }],
      at(400),
    );
    assert.deepEqual(store.getCluster('c1')?.health, { status: 'Current', message: 'recovered' });
    assert.deepEqual(store.getCluster('c1')?.lastHeardAt, at(400));
  });

  it('keeps when a revision was first applied: a later sync of the same revision does not move it (lag)', () => {
    const first = sync('s7', at(500), { revision: 'rev-same' });
    const again = sync('s8', at(600), { revision: 'rev-same', commitTime: first.commitTime });
    store.applyAgentBatch('c1', [{ epoch: 'e-lag', seq: 1, type: 'sync', sync: first }], at(502));
    store.applyAgentBatch('c1', [{ epoch: 'e-lag', seq: 2, type: 'sync', sync: again }], at(602));
    const summary = store.getCluster('c1')?.sync;
    assert.equal(summary?.syncId, 's8');
    assert.equal(summary.appliedRevision, 'rev-same');
    assert.deepEqual(summary.lastAppliedAt, new Date(at(500).getTime() + 1200));
  });

  it('keeps drift reports within the bound and flags the drifted resource', () => {
    store.applyAgentBatch(
      'c2',
      [
        {
          epoch: 'e',
          seq: 1,
          type: 'resource-delta',
          delta: {
            upserts: [
              {
                ref: ref('web'),
                health: { status: 'Current', message: '' },
                lastAction: 'unchanged',
                drifted: false,
              },
            ],
            deletes: [],
          },
        },
        ...[1, 2, 3].map((n): AgentRecord => ({
          epoch: 'e',
          seq: n + 1,
          type: 'drift',
          drift: {
            ref: ref('web'),
            kind: 'changed',
            fields: [{ path: '/spec/replicas', change: 'changed', managers: ['kubectl'] }],
            action: n === 3 ? 'reported' : 'healed',
            at: at(n),
          },
        })),
      ],
      at(500),
    );
    const drift = store.drift('c2');
    assert.deepEqual(
      drift.map((d) => [d.at, d.action]),
      [
        [at(3), 'reported'],
        [at(2), 'healed'],
      ],
    );
    assert.deepEqual(drift[0]?.fields, [
      { path: '/spec/replicas', change: 'changed', managers: ['kubectl'] },
    ]);
    assert.equal(store.resources('c2', { limit: 10 }).items[0]?.drifted, true);
  });

  it('answers unknown-cluster for a cluster that does not exist', () => {
    assert.deepEqual(store.applyAgentBatch('nowhere', [event(1)], at(1)), {
      ok: false,
      cluster: 'nowhere',
      reason: 'unknown-cluster',
    });
  });

  // Group commit, measured on the 2-core development machine (synchronous=FULL, 20 clusters, event
  // records): one record per commit, 450 records/s (2.2 ms per commit, the fsync); 20 records per
  // applyBatches call, 4,250/s; 100 per call, 25,000/s. The hub acknowledges after the commit that
  // holds a record, so batching what arrives during one commit costs no durability.
  it('commits many clusters’ batches together, and a failing batch leaves the others stored', () => {
    const broken = {
      epoch: 'g',
      seq: 1,
      type: 'event',
      event: { at: at(1), type: 'Normal', reason: null, message: 'x' },
    };
    const results = store.applyBatches(
      [
        { cluster: 'c2', records: [{ ...event(1, 'g') }, { ...event(2, 'g') }] },
        { cluster: 'c1', records: [broken as unknown as AgentRecord] },
      ],
      at(600),
    );
    assert.equal(results[0]?.ok, true);
    const failed = results[1];
    assert.ok(failed !== undefined && !failed.ok);
    assert.equal(failed.reason, 'failed');
    assert.equal(store.epochSeq('c2', 'g'), 2);
    assert.equal(store.epochSeq('c1', 'g'), 0, 'nothing of the failed batch, not even its epoch');
  });
});
