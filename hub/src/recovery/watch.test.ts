import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger } from '@ferry/shared';
import { at, newCluster, resource, sync, T0, tempStore } from '../store/test-store.ts';
import { createRecoveryWatch } from './watch.ts';

describe('the recovery watch', () => {
  const { store, cleanup } = tempStore();
  after(cleanup);
  const lines: string[] = [];
  const log = createLogger({ level: 'info', write: (line) => lines.push(line) });
  let now = at(100);
  const report = (cluster: string, epoch: string, seq: number, t: number): void => {
    store.applyAgentBatch(
      cluster,
      [
        {
          epoch,
          seq,
          type: 'snapshot-chunk',
          chunk: {
            snapshotId: `s${String(seq)}`,
            digest: 'd',
            index: 0,
            last: true,
            resources: [resource('a')],
          },
        },
        { epoch, seq: seq + 1, type: 'sync', sync: sync(`${epoch}-${String(seq)}`, at(t)) },
      ],
      at(t),
    );
  };
  const enroll = (cluster: string, digit: string, uid: string): void => {
    store.issueEnrollmentToken(cluster, digit.repeat(64), at(9999), now);
    store.redeemEnrollment(digit.repeat(64), `${digit}f`.repeat(32), now);
    const hello = { credentialDigest: `${digit}f`.repeat(32), clusterUid: uid, agentVersion: '0.1.0' };
    store.recordHello(cluster, { ...hello, kubernetesVersion: 'v1.20.2', epoch: uid }, now);
  };
  store.createCluster(newCluster('old'), T0);
  store.createCluster(newCluster('other'), T0);
  enroll('old', '1', 'uid-1');
  report('old', 'uid-1', 1, 50);
  store.beginRecovery('old', at(90)); // already recovering when the hub starts
  const watch = createRecoveryWatch({ store, now: () => now, log });

  it('knows the recoveries under way at start and finishes one when the new agent is applied and healthy', () => {
    enroll('old', '2', 'uid-2');
    assert.deepEqual(watch.changed(['old', 'other']), []); // a hello alone: nothing synced yet
    now = at(120);
    report('old', 'uid-2', 1, 110);
    assert.deepEqual(watch.changed(['other', 'old']), ['old']);
    assert.equal(store.getCluster('old')?.recovery?.finishedAt?.getTime(), at(120).getTime());
    const logged = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
    assert.equal(logged.msg ?? logged.message, 'cluster recovered');
    assert.equal(logged.seconds, 30);
    assert.deepEqual(watch.changed(['old']), []); // no longer watched
  });

  it('watches a recovery begun later', () => {
    enroll('other', '3', 'uid-3');
    store.beginRecovery('other', at(130));
    watch.began('other');
    enroll('other', '4', 'uid-4');
    now = at(150);
    report('other', 'uid-4', 1, 140);
    assert.deepEqual(watch.changed(['other']), ['other']);
  });
});
