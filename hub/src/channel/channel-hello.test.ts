// Connecting: the credential on the upgrade, the hello, the welcome, and every refusal on the way.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CLOSE_CODES, DEFAULT_LIMITS } from '@ferry/shared/protocol';
import { agentSession, connectAgent, type AgentLink } from './test-client.ts';
import { startTestHub, type LogLine, type TestHub } from './test-hub.ts';

function closedLine(cluster: string | undefined, code: number): (line: LogLine) => boolean {
  return (line) => line.msg === 'agent link closed' && line.cluster === cluster && line.code === code;
}

describe('an agent connecting', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    await hub.stop();
  });

  /** No log line carries a credential the test used. */
  function assertNoSecretLogged(...secrets: string[]): void {
    const text = JSON.stringify(hub.logs);
    for (const secret of secrets) assert.equal(text.includes(secret), false, 'a credential was logged');
  }

  it('is welcomed with the limits, asked for the snapshot the hub lacks, and shown connected', async () => {
    const { credential, clusterUid } = hub.enroll('welcomed');
    const link = await connectAgent(hub.url, credential);
    const agent = agentSession(clusterUid);
    link.send(agent.hello());
    const welcome = await link.take('welcome');
    assert.deepEqual(welcome, { v: 1, type: 'welcome', body: { version: 1, limits: DEFAULT_LIMITS } });
    await link.take('snapshotRequest');
    assert.equal(hub.channel.isConnected('welcomed'), true);
    assert.ok(hub.channel.connectedClusters().includes('welcomed'));
    const cluster = hub.store.getCluster('welcomed');
    assert.equal(cluster?.state, 'enrolled');
    assert.equal(cluster.clusterUid, clusterUid);
    assert.equal(cluster.agentVersion, '0.1.0');
    assert.equal(
      link.received.some((message) => message.type === 'ack'),
      false,
      'a new epoch has nothing to ack',
    );
    link.close();
    assert.equal((await link.closed).code, 1005);
    await hub.logged(closedLine('welcomed', 1005), 'the close of the link');
    assert.equal(hub.channel.isConnected('welcomed'), false);
    assertNoSecretLogged(credential);
  });

  it('is refused with 4401 without a credential, or with one the hub does not know', async () => {
    const none = await connectAgent(hub.url, undefined);
    const noneClosed = await none.closed;
    assert.equal(noneClosed.code, CLOSE_CODES.unauthorized);
    assert.match(noneClosed.reason, /no credential/);
    const unknown = await connectAgent(hub.url, 'not-a-credential-the-hub-knows');
    const unknownClosed = await unknown.closed;
    assert.deepEqual(unknownClosed, { code: 4401, reason: 'authorization: unknown credential' });
    await hub.logged(closedLine(undefined, 4401), 'the refusal');
    assertNoSecretLogged('not-a-credential-the-hub-knows');
  });

  it('is refused with 4401 for a revoked credential, and the cluster keeps the refusal for the fleet view', async () => {
    const { credential, clusterUid } = hub.enroll('revoked');
    hub.store.revokeCredentials('revoked', 'operator revoked it', new Date());
    const link = await connectAgent(hub.url, credential);
    link.send(agentSession(clusterUid).hello());
    const closed = await link.closed;
    assert.deepEqual(closed, { code: 4401, reason: 'authorization: credential revoked' });
    const refusal = hub.store.getCluster('revoked')?.refusal;
    assert.match(refusal?.message ?? '', /revoked credential .*operator revoked it/);
    const line = await hub.logged(closedLine('revoked', 4401), 'the refusal, by cluster name');
    assert.equal(line.reason, 'authorization: credential revoked');
    assertNoSecretLogged(credential);
  });

  it('is refused with 4403 when the hello claims another cluster’s UID, and the refusal is kept', async () => {
    const a = hub.enroll('cluster-a');
    const b = hub.enroll('cluster-b');
    for (const { credential, clusterUid } of [a, b]) {
      const link = await connectAgent(hub.url, credential);
      link.send(agentSession(clusterUid).hello());
      await link.take('welcome');
      link.close();
      await link.closed;
    }
    const claiming = await connectAgent(hub.url, a.credential);
    claiming.send(agentSession(b.clusterUid).hello());
    const closed = await claiming.closed;
    assert.equal(closed.code, CLOSE_CODES.forbidden);
    assert.match(closed.reason, /^body\.clusterUid: /);
    assert.equal(hub.store.getCluster('cluster-a')?.clusterUid, a.clusterUid);
    assert.match(hub.store.getCluster('cluster-a')?.refusal?.message ?? '', new RegExp(b.clusterUid));
    assert.equal(claiming.received.length, 0, 'no welcome');
  });

  it('is refused with 4406 when it speaks no version of the hub’s', async () => {
    const { credential, clusterUid } = hub.enroll('future');
    const link = await connectAgent(hub.url, credential);
    link.send({ ...agentSession(clusterUid).hello({ protocols: [2, 3] }), v: 2 });
    const closed = await link.closed;
    assert.deepEqual(closed, {
      code: CLOSE_CODES.unsupportedVersion,
      reason: 'body.protocols: none of 2, 3 is spoken here (speaks 1)',
    });
  });

  it('must send a hello first', async () => {
    const { credential, clusterUid } = hub.enroll('no-hello');
    const link = await connectAgent(hub.url, credential);
    link.send(agentSession(clusterUid).event());
    assert.deepEqual(await link.closed, {
      code: CLOSE_CODES.invalidMessage,
      reason: 'type: the first message must be a hello, not event',
    });
  });

  it('is refused when its hello’s seq is not above what the hub stored for the epoch', async () => {
    const { credential, clusterUid } = hub.enroll('rewound');
    const agent = agentSession(clusterUid);
    const first = await connectAgent(hub.url, credential);
    first.send(agent.hello());
    first.send(agent.event());
    first.send(agent.event());
    await first.acked(agent.epoch, 3);
    first.close();
    await first.closed;
    const again = await connectAgent(hub.url, credential);
    again.send({ ...agentSession(clusterUid, agent.epoch).hello(), seq: 3 });
    assert.deepEqual(await again.closed, {
      code: CLOSE_CODES.invalidMessage,
      reason: 'seq: hello 3 is not above the 3 stored for its epoch',
    });
  });

  it('replaces an older connection of the same cluster, which is closed with 4409', async () => {
    const { credential, clusterUid } = hub.enroll('twice');
    const links: AgentLink[] = [];
    for (let i = 0; i < 2; i += 1) {
      const link = await connectAgent(hub.url, credential);
      link.send(agentSession(clusterUid).hello());
      await link.take('welcome');
      links.push(link);
    }
    const [older, newer] = links;
    assert.ok(older !== undefined && newer !== undefined);
    assert.deepEqual(await older.closed, {
      code: CLOSE_CODES.replaced,
      reason: 'replaced by a newer connection of the same cluster',
    });
    assert.equal(hub.channel.isConnected('twice'), true);
    assert.deepEqual(
      hub.channel.connectedClusters().filter((name) => name === 'twice'),
      ['twice'],
    );
    newer.close();
    await newer.closed;
  });

  it('answers an upgrade on another path with an HTTP 404 in the hub’s error shape', async () => {
    const answer = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const upgrade = request({
        host: '127.0.0.1',
        port: hub.port,
        path: '/api/v1/other',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
      });
      upgrade.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode, body });
        });
      });
      upgrade.on('upgrade', () => {
        reject(new Error('upgraded on a path the channel does not serve'));
      });
      upgrade.on('error', reject);
      upgrade.end();
    });
    assert.equal(answer.status, 404);
    assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'not-found');
  });
});
