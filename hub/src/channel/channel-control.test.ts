// What the rest of the hub asks of the channel: refresh hints, who is connected, and a shutdown that
// acks what it stored before it ends the links.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSE_CODES } from '@ferry/shared/protocol';
import { agentSession, connectAgent } from './test-client.ts';
import { startTestHub } from './test-hub.ts';

describe('the channel, for the rest of the hub', () => {
  it('sends a refresh hint to a connected agent, and says false for one that is not', async () => {
    const hub = await startTestHub();
    try {
      const { credential, clusterUid } = hub.enroll('hinted');
      hub.enroll('absent');
      assert.equal(hub.channel.refresh('hinted', 'push to main'), false, 'not connected yet');
      const link = await connectAgent(hub.url, credential);
      link.send(agentSession(clusterUid).hello());
      await link.take('welcome');
      assert.equal(hub.channel.refresh('hinted', 'push to main'), true);
      assert.deepEqual(await link.take('refresh'), {
        v: 1,
        type: 'refresh',
        body: { reason: 'push to main' },
      });
      assert.equal(hub.channel.refresh('hinted', 'x'.repeat(300)), true, 'a long reason is cut, not refused');
      assert.equal((await link.take('refresh')).body.reason.length, 128);
      assert.equal(hub.channel.refresh('absent', 'push'), false);
      assert.equal(hub.channel.refresh('nowhere', 'push'), false);
      assert.deepEqual(hub.channel.connectedClusters(), ['hinted']);
      link.close();
      await link.closed;
    } finally {
      await hub.stop();
    }
  });

  it('disconnects a cluster with 4401 and the reason, and says false for one not connected', async () => {
    const hub = await startTestHub();
    try {
      const { credential, clusterUid } = hub.enroll('doomed');
      const link = await connectAgent(hub.url, credential);
      link.send(agentSession(clusterUid).hello());
      await link.take('welcome');
      assert.equal(hub.channel.disconnect('doomed', 'the cluster was deleted from the hub'), true);
      assert.deepEqual(await link.closed, {
        code: CLOSE_CODES.unauthorized,
        reason: 'the cluster was deleted from the hub',
      });
      assert.equal(hub.channel.disconnect('nowhere', 'gone'), false);
    } finally {
      await hub.stop();
    }
  });

  it('on close, commits and acks what it received, then ends every link with 4000', async () => {
    // Commits wait ten minutes: what is acked at the end, the shutdown acked.
    const hub = await startTestHub({ flushIntervalMs: 600_000 });
    try {
      const { credential, clusterUid } = hub.enroll('closing');
      const agent = agentSession(clusterUid);
      const link = await connectAgent(hub.url, credential);
      link.send(agent.hello());
      await link.take('welcome');
      const sync = agent.syncReport('sync-1');
      const event = agent.event();
      link.send(sync);
      link.send(event);
      const idle = await connectAgent(hub.url, hub.enroll('idle').credential);
      await link.roundTrip();
      assert.equal(link.highestAck(agent.epoch), 0, 'nothing acked before the shutdown');
      await hub.channel.close();
      assert.deepEqual(await link.closed, { code: CLOSE_CODES.shutdown, reason: 'the hub is shutting down' });
      assert.equal(link.highestAck(agent.epoch), event.seq, 'the ack came before the close');
      assert.equal((await idle.closed).code, CLOSE_CODES.shutdown, 'a link still at its hello too');
      assert.deepEqual(
        hub.store.history('closing', { limit: 5 }).items.map((s) => s.syncId),
        ['sync-1'],
      );
      await assert.rejects(connectAgent(hub.url, credential), /HTTP 503/);
      assert.deepEqual(hub.channel.connectedClusters(), []);
    } finally {
      await hub.stop();
    }
  });
});
