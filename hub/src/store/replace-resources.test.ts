import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { migrate } from './migrations.ts';
import { replaceResources } from './replace-resources.ts';
import { forgetRowDigests } from './row-digests.ts';
import { storeDelta } from './resources.ts';
import { openDatabase } from './sqlite.ts';
import { at, newCluster, ref, resource, T0, tempStore } from './test-store.ts';
import type { AgentRecord, ResourceRecord } from './types.ts';

describe('replacing a cluster’s resources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-replace-'));
  const db = openDatabase(join(dir, 'hub.db'));
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  migrate(db);
  db.exec(
    "INSERT INTO clusters (id, name, repo, ref, path, created_at) VALUES (7, 'c', 'r', 'main', 'p', 0)",
  );
  const replace = (resources: ResourceRecord[]) => db.transaction(() => replaceResources(db, 7, resources));
  /** The stored rows' names and health, in name order. */
  const healthByName = () =>
    db
      .prepare<{ name: string; health_status: string }>(
        'SELECT name, health_status FROM resources WHERE cluster_id = 7 ORDER BY name',
      )
      .all();

  it('writes only the rows that are new, changed or gone', () => {
    assert.deepEqual(replace([resource('a'), resource('b'), resource('c')]), {
      written: 3,
      deleted: 0,
      unchanged: 0,
    });
    const rolling = resource('b', { health: { status: 'InProgress', message: '1 of 2 updated' } });
    assert.deepEqual(replace([resource('a'), rolling, resource('d')]), {
      written: 2,
      deleted: 1,
      unchanged: 1,
    });
    assert.deepEqual(replace([resource('a'), rolling, resource('d')]), {
      written: 0,
      deleted: 0,
      unchanged: 3,
    });
    assert.deepEqual(healthByName(), [
      { name: 'a', health_status: 'Current' },
      { name: 'b', health_status: 'InProgress' },
      { name: 'd', health_status: 'Current' },
    ]);
  });

  // Each change twice: compared with the digests of what was last stored, and with the rows themselves.
  const ways = [
    { way: 'by the digests', before: () => undefined },
    {
      way: 'by the rows',
      before: () => {
        forgetRowDigests(db);
      },
    },
  ];
  for (const { way, before } of ways) {
    it(`sees a change in any column, a NUL in a message too (${way})`, () => {
      const base = resource('x');
      replace([base]);
      const changes: ResourceRecord[] = [
        { ...base, ref: { ...base.ref, version: 'v2' } },
        { ...base, health: { status: 'Failed', message: 'available' } },
        { ...base, health: { status: 'Failed', message: 'crash looping' } },
        { ...base, health: { status: 'Failed', message: 'crash looping' }, lastAction: undefined },
        { ...base, health: { status: 'Failed', message: 'crash looping' }, lastAction: 'configured' },
        {
          ...base,
          health: { status: 'Failed', message: 'crash looping' },
          lastAction: 'configured',
          drifted: true,
        },
        { ...base, health: { status: 'Failed', message: 'crash\u0000looping' } },
        { ...base, health: { status: 'Failed', message: 'crash\u0000looping\u0000' } },
      ];
      for (const changed of changes) {
        before();
        assert.equal(replace([changed]).written, 1, JSON.stringify(changed));
        before();
        const again = replace([changed]);
        // The rows' way never compares a message holding a NUL by its joined text: it writes it again.
        const nul = changed.health.message.includes('\u0000') && way === 'by the rows';
        assert.deepEqual(
          again,
          { written: nul ? 1 : 0, deleted: 0, unchanged: nul ? 0 : 1 },
          JSON.stringify(changed),
        );
      }
      const row = db
        .prepare<{ health_message: string; last_action: string | null }>(
          "SELECT health_message, last_action FROM resources WHERE cluster_id = 7 AND name = 'x'",
        )
        .get();
      assert.deepEqual(row, { health_message: 'crash\u0000looping\u0000', last_action: 'unchanged' });
    });
  }

  it('follows a delta with the digests: the snapshot after it writes nothing it already holds', () => {
    forgetRowDigests(db);
    replace([resource('a'), resource('b')]);
    // A NUL in the message: the rows' way would write it again, only the digests' way does not.
    const rolling = resource('b', { health: { status: 'InProgress', message: '1 of 2\u0000updated' } });
    db.transaction(() =>
      storeDelta(db, 7, { upserts: [rolling, resource('c')], deletes: [ref('a'), ref('gone')] }),
    );
    assert.deepEqual(replace([rolling, resource('c')]), { written: 0, deleted: 0, unchanged: 2 });
    assert.deepEqual(replace([resource('b'), resource('c')]), { written: 1, deleted: 0, unchanged: 1 });
    assert.deepEqual(healthByName(), [
      { name: 'b', health_status: 'Current' },
      { name: 'c', health_status: 'Current' },
    ]);
  });

  it('writes only what changed by the digests, and reads the rows when one vanished', () => {
    replace([]);
    forgetRowDigests(db);
    const many = Array.from({ length: 50 }, (_, i) => resource(`m${String(i).padStart(2, '0')}`));
    assert.deepEqual(replace(many), { written: 50, deleted: 0, unchanged: 0 });
    const moved = many.map((r, i) => (i % 10 === 3 ? { ...r, drifted: true } : r));
    assert.deepEqual(replace(moved), { written: 5, deleted: 0, unchanged: 45 });
    assert.deepEqual(replace([...moved.slice(1), resource('new')]), {
      written: 1,
      deleted: 1,
      unchanged: 49,
    });
    const drifted = db
      .prepare<{ n: number }>('SELECT count(*) AS n FROM resources WHERE cluster_id = 7 AND drifted = 1')
      .get();
    assert.equal(drifted?.n, 5);
  });

  it('deletes an object gone from the snapshot even when its name holds a NUL', () => {
    const odd = resource('p\u0000q');
    replace([resource('x'), odd]);
    assert.deepEqual(replace([resource('x')]), { written: 0, deleted: 1, unchanged: 1 });
    const left = db
      .prepare<{ name: string }>('SELECT name FROM resources WHERE cluster_id = 7 ORDER BY name')
      .all();
    assert.deepEqual(left, [{ name: 'x' }]);
  });
});

let seq = 0;
function whole(
  snapshotId: string,
  resources: ResourceRecord[],
  digest = `digest-${snapshotId}`,
): AgentRecord {
  seq += 1;
  return {
    epoch: 'e',
    seq,
    type: 'snapshot-chunk',
    chunk: { snapshotId, digest, index: 0, last: true, resources },
  };
}

describe('a full snapshot in place of the stored resources', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  const stored = (): ResourceRecord[] => [...store.resources('c1', { limit: 100 }).items];

  it('stores every resource of a first snapshot', () => {
    store.applyAgentBatch('c1', [whole('s1', [resource('a'), resource('b'), resource('c')])], at(1));
    assert.deepEqual(
      stored().map((r) => r.ref.name),
      ['a', 'b', 'c'],
    );
  });

  it('ends with exactly the snapshot: changed rows rewritten, vanished ones gone, new ones added', () => {
    const rolling = resource('b', { health: { status: 'InProgress', message: '1 of 2 updated' } });
    const moved = resource('c', {
      ref: { ...ref('c'), version: 'v2' },
      lastAction: 'configured',
      drifted: true,
    });
    store.applyAgentBatch('c1', [whole('s2', [rolling, moved, resource('d')])], at(2));
    assert.deepEqual(stored(), [rolling, moved, resource('d')]);
    assert.equal(store.snapshotMeta('c1')?.snapshotId, 's2');
  });

  it('takes the later of two entries for one object, as a replace would', () => {
    const first = resource('e', { health: { status: 'Failed', message: 'crash loop' } });
    const later = resource('e');
    store.applyAgentBatch('c1', [whole('s3', [first, later])], at(3));
    assert.deepEqual(stored(), [later]);
  });

  it('stores an absent health message as empty and an absent last action as none', () => {
    const bare: ResourceRecord = {
      ref: ref('f', 'ConfigMap'),
      health: { status: 'Current', message: '' },
      lastAction: undefined,
      drifted: false,
    };
    store.applyAgentBatch('c1', [whole('s4', [bare])], at(4));
    assert.deepEqual(stored(), [bare]);
    store.applyAgentBatch('c1', [whole('s5', [])], at(5));
    assert.deepEqual(stored(), [], 'an empty snapshot empties the cluster');
  });
});

describe('the digest kept with the stored snapshot', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('c1'), T0);
  const digest = (): string | undefined => store.snapshotMeta('c1')?.digest;
  const delta = (withDigest?: string): AgentRecord => {
    seq += 1;
    return {
      epoch: 'e',
      seq,
      type: 'resource-delta',
      delta: {
        upserts: [resource('a', { health: { status: 'InProgress', message: `step ${seq}` } })],
        deletes: [],
        ...(withDigest === undefined ? {} : { digest: withDigest }),
      },
    };
  };

  it('is the agent’s: the snapshot’s, then each delta’s', () => {
    store.applyAgentBatch('c1', [whole('s1', [resource('a'), resource('b')], 'sha256:one')], at(1));
    assert.equal(digest(), 'sha256:one');
    store.applyAgentBatch('c1', [delta('sha256:two')], at(2));
    assert.equal(digest(), 'sha256:two');
  });

  it('is unknown ("") once the rows moved without the agent’s digest: a delta without one', () => {
    store.applyAgentBatch('c1', [delta()], at(3));
    assert.equal(digest(), '');
    store.applyAgentBatch('c1', [delta('sha256:three')], at(4));
    assert.equal(digest(), 'sha256:three');
  });

  it('is unknown once a drift flipped a stored row’s flag, and kept when it flipped none', () => {
    seq += 1;
    const drift = (action: 'reported' | 'healed'): AgentRecord => {
      seq += 1;
      return {
        epoch: 'e',
        seq,
        type: 'drift',
        drift: { ref: ref('b'), kind: 'changed', fields: [], action, at: at(5) },
      };
    };
    store.applyAgentBatch('c1', [drift('healed')], at(5));
    assert.equal(digest(), 'sha256:three', 'b was not drifted: nothing moved');
    store.applyAgentBatch('c1', [drift('reported')], at(6));
    assert.equal(digest(), '');
  });
});

describe('what a batch says of the fleet view', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  store.createCluster(newCluster('quiet'), T0);
  store.createCluster(newCluster('lost'), T0);
  const viewChanged = (cluster: string, records: AgentRecord[]): boolean | undefined => {
    const result = store.applyAgentBatch(cluster, records, at(10));
    return result.ok ? result.viewChanged : undefined;
  };

  it('says nothing changed for heartbeats alone, and for resources of a cluster with no recovery', () => {
    assert.equal(viewChanged('quiet', []), false);
    assert.equal(viewChanged('quiet', [whole('s1', [resource('a')])]), false);
  });

  it('says it may have changed for any other record', () => {
    seq += 1;
    const event: AgentRecord = {
      epoch: 'e',
      seq,
      type: 'event',
      event: { at: at(1), type: 'Normal', reason: 'Synced', message: 'm' },
    };
    assert.equal(viewChanged('quiet', [event]), true);
  });

  it('says it may have changed for resources of a cluster with a recovery (its objects back)', () => {
    store.applyAgentBatch('lost', [whole('s2', [resource('a')])], at(11));
    assert.equal(store.beginRecovery('lost', at(12)).ok, true);
    assert.equal(viewChanged('lost', [whole('s3', [resource('a'), resource('b')])]), true);
  });
});

describe('the resource digests, after a write of another kind', () => {
  const { store, path, cleanup } = tempStore();
  after(cleanup);
  const stored = (cluster: string): ResourceRecord[] => [...store.resources(cluster, { limit: 100 }).items];
  type Unsequenced = AgentRecord extends infer R
    ? R extends AgentRecord
      ? Omit<R, 'epoch' | 'seq'>
      : never
    : never;
  const next = (cluster: string, record: Unsequenced): AgentRecord => {
    seq += 1;
    return { epoch: `e-${cluster}`, seq, ...record };
  };
  const rolling = resource('b', { health: { status: 'InProgress', message: '1 of 2 updated' } });

  it('a delta: the next snapshot writes back what the delta moved', () => {
    store.createCluster(newCluster('delta'), T0);
    store.applyAgentBatch('delta', [whole('d1', [resource('a'), resource('b')])], at(1));
    store.applyAgentBatch(
      'delta',
      [next('delta', { type: 'resource-delta', delta: { upserts: [rolling], deletes: [] } })],
      at(2),
    );
    store.applyAgentBatch('delta', [whole('d2', [resource('a'), resource('b')])], at(3));
    assert.deepEqual(stored('delta'), [resource('a'), resource('b')]);
  });

  it('a drift flag: the next snapshot writes back the flag', () => {
    store.createCluster(newCluster('drift'), T0);
    store.applyAgentBatch('drift', [whole('f1', [resource('a'), resource('b')])], at(1));
    const drift = next('drift', {
      type: 'drift',
      drift: { ref: ref('b'), kind: 'changed', fields: [], action: 'reported', at: at(2) },
    });
    store.applyAgentBatch('drift', [drift], at(2));
    assert.equal(stored('drift')[1]?.drifted, true);
    store.applyAgentBatch('drift', [whole('f2', [resource('a'), resource('b')])], at(3));
    assert.deepEqual(stored('drift'), [resource('a'), resource('b')]);
  });

  it('a batch that failed: the next snapshot writes what the failed one would have', () => {
    store.createCluster(newCluster('failed'), T0);
    store.applyAgentBatch('failed', [whole('x1', [resource('a'), resource('b')])], at(1));
    // A seq that is not a number fails the batch after its snapshot was written (then rolled back).
    const broken = {
      ...next('failed', { type: 'heartbeat' }),
      seq: 'not a number',
    } as unknown as AgentRecord;
    const result = store.applyAgentBatch('failed', [whole('x2', [resource('a'), rolling]), broken], at(2));
    assert.equal(result.ok, false);
    assert.deepEqual(stored('failed'), [resource('a'), resource('b')], 'rolled back');
    store.applyAgentBatch('failed', [whole('x3', [resource('a'), rolling])], at(3));
    assert.deepEqual(stored('failed'), [resource('a'), rolling]);
  });

  it('a deleted cluster: a new one under its id starts with no resources', () => {
    const ids = openDatabase(path);
    after(() => {
      ids.close();
    });
    const idOf = (name: string) =>
      ids.prepare<{ id: number }>('SELECT id FROM clusters WHERE name = ?').get(name)?.id;
    store.createCluster(newCluster('old'), T0);
    store.applyAgentBatch('old', [whole('o1', [resource('a')])], at(1));
    const oldId = idOf('old');
    assert.equal(store.deleteCluster('old'), true);
    store.createCluster(newCluster('new'), T0);
    assert.equal(idOf('new'), oldId, 'the premise: SQLite gave the new cluster the deleted one’s id');
    store.applyAgentBatch('new', [whole('n1', [resource('a')])], at(2));
    assert.deepEqual(stored('new'), [resource('a')]);
  });
});
