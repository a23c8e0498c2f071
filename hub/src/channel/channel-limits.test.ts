// Frames the hub refuses, each with its close code, a log line and no crash; flow control (maxUnacked,
// backpressure); heartbeats and dead links.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLOSE_CODES } from '@ferry/shared/protocol';
import { agentSession, connectAgent, type AgentLink, type AgentSession, type Closed } from './test-client.ts';
import { startTestHub, type TestHub } from './test-hub.ts';

async function welcomed(
  hub: TestHub,
  cluster: string,
): Promise<{ link: AgentLink; agent: AgentSession; credential: string }> {
  const { credential, clusterUid } = hub.enroll(cluster);
  const agent = agentSession(clusterUid);
  const link = await connectAgent(hub.url, credential);
  link.send(agent.hello());
  await link.take('welcome');
  return { link, agent, credential };
}

describe('a frame the hub refuses', () => {
  let hub: TestHub;
  let clusters = 0;
  before(async () => {
    hub = await startTestHub({ limits: { maxFrameBytes: 64 * 1024 } });
  });
  after(async () => {
    await hub.stop();
  });

  /** Opens a link past its welcome, sends what `send` sends, and gives the close, logged once. */
  async function refused(send: (link: AgentLink, agent: AgentSession) => void): Promise<Closed> {
    const cluster = `refused-${(clusters += 1)}`;
    const { link, agent } = await welcomed(hub, cluster);
    send(link, agent);
    const closed = await link.closed;
    const line = await hub.logged(
      (l) => l.msg === 'agent link closed' && l.cluster === cluster,
      `the close of ${cluster}`,
    );
    assert.equal(line.code, closed.code);
    assert.equal(line.by, 'hub');
    assert.equal(hub.channel.isConnected(cluster), false);
    return closed;
  }

  it('closes 4413 on a frame over maxFrameBytes, before reading it whole', async () => {
    const closed = await refused((link) => {
      link.sendRaw(JSON.stringify({ v: 1, type: 'event', pad: 'x'.repeat(64 * 1024) }));
    });
    assert.deepEqual(closed, { code: CLOSE_CODES.tooLarge, reason: 'frame over the limit of 65536 bytes' });
  });

  it('closes 4400 on a frame that is not JSON, or not UTF-8 text', async () => {
    const notJson = await refused((link) => {
      link.sendRaw('{"v": 1, "type": ');
    });
    assert.equal(notJson.code, CLOSE_CODES.malformed);
    assert.match(notJson.reason, /^frame is not JSON/);
    const binary = await refused((link) => {
      link.sendRaw(Buffer.from('{}'), true);
    });
    assert.deepEqual(binary, { code: CLOSE_CODES.malformed, reason: 'frame is binary: expected JSON text' });
    const notUtf8 = await refused((link) => {
      link.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    });
    assert.deepEqual(notUtf8, { code: CLOSE_CODES.malformed, reason: 'frame is not valid UTF-8 text' });
  });

  it('closes 4422 on an unknown type or a message that breaks its schema', async () => {
    const unknown = await refused((link, agent) => {
      link.sendRaw(JSON.stringify({ v: 1, type: 'launch', epoch: agent.epoch, seq: 2, body: {} }));
    });
    assert.deepEqual(unknown, {
      code: CLOSE_CODES.invalidMessage,
      reason: 'type: unknown message type "launch"',
    });
    const extra = await refused((link, agent) => {
      const event = agent.event();
      link.sendRaw(JSON.stringify({ ...event, body: { ...event.body, url: 'https://elsewhere' } }));
    });
    assert.deepEqual(extra, { code: CLOSE_CODES.invalidMessage, reason: 'body.url: unknown field' });
  });

  it('closes 4406 on a message in another version than the one negotiated', async () => {
    const closed = await refused((link, agent) => {
      link.sendRaw(JSON.stringify({ ...agent.event(), v: 2 }));
    });
    assert.deepEqual(closed, {
      code: CLOSE_CODES.unsupportedVersion,
      reason: 'v: version 2, but version 1 was negotiated',
    });
  });

  it('closes 4422 on a gap or a repeat in the seqs, another epoch, or a second hello', async () => {
    const gap = await refused((link, agent) => {
      link.send({ ...agent.event(), seq: 3 });
    });
    assert.deepEqual(gap, { code: CLOSE_CODES.invalidMessage, reason: 'seq: 3 leaves a gap (expected 2)' });
    const repeat = await refused((link, agent) => {
      const event = agent.event();
      link.send(event);
      link.send(event);
    });
    assert.deepEqual(repeat, { code: CLOSE_CODES.invalidMessage, reason: 'seq: 2 repeats (expected 3)' });
    const epoch = await refused((link, agent) => {
      link.send({ ...agent.event(), epoch: '00000000-0000-4000-8000-000000000000' });
    });
    assert.equal(epoch.code, CLOSE_CODES.invalidMessage);
    assert.match(epoch.reason, /^epoch: /);
    const twice = await refused((link, agent) => {
      link.send(agent.hello());
    });
    assert.deepEqual(twice, {
      code: CLOSE_CODES.invalidMessage,
      reason: 'type: a second hello on an open connection',
    });
  });

  it('keeps serving other agents after all that', async () => {
    const { link, agent } = await welcomed(hub, 'still-fine');
    const event = agent.event();
    link.send(event);
    await link.acked(agent.epoch, event.seq);
    link.close();
    await link.closed;
  });
});

describe('flow control', () => {
  it('closes 4429 when an agent has more than maxUnacked messages in flight', async () => {
    // Commits wait ten minutes: nothing is acked while the test runs.
    const hub = await startTestHub({ limits: { maxUnacked: 2 }, flushIntervalMs: 600_000 });
    try {
      const { link, agent } = await welcomed(hub, 'eager');
      link.send(agent.event());
      link.send(agent.heartbeat());
      link.send(agent.event());
      link.send(agent.event());
      assert.deepEqual(await link.closed, {
        code: CLOSE_CODES.backpressure,
        reason: 'seq: 5 is over 2 messages in flight unacked',
      });
    } finally {
      await hub.stop();
    }
  });

  it('does not count a resend the hub acked after the welcome as in flight', async () => {
    const hub = await startTestHub({ limits: { maxUnacked: 2 } });
    try {
      const { link, agent, credential } = await welcomed(hub, 'resending');
      const sent = [agent.event(), agent.event()];
      for (const event of sent) link.send(event);
      await link.acked(agent.epoch, 3);
      link.close();
      await link.closed;
      const again = await connectAgent(hub.url, credential);
      again.send(agent.hello());
      await again.take('welcome');
      assert.deepEqual((await again.take('ack')).body.seq, 3);
      // As if the acks had been lost: the two resends, and a full window of new messages.
      for (const event of [...sent, agent.event(), agent.event()]) again.send(event);
      await again.acked(agent.epoch, 6);
      assert.equal(hub.store.events('resending').length, 4);
      again.close();
      await again.closed;
    } finally {
      await hub.stop();
    }
  });

  it('stops reading agents while the queue is over its high-water mark, and loses nothing', async () => {
    // Commits start only when the queue passes its mark (or at close): the pauses are the test's clock.
    const hub = await startTestHub({ highWaterRecords: 4, flushIntervalMs: 600_000 });
    try {
      const { link, agent } = await welcomed(hub, 'flood');
      const events = Array.from({ length: 30 }, () => agent.event());
      for (const event of events) link.send(event);
      const paused = await hub.logged((l) => l.msg === 'paused reading agents: the store lags', 'a pause');
      assert.ok(Number(paused.queuedRecords) > 4);
      await hub.logged((l) => l.msg === 'resumed reading agents', 'a resume');
      const last = events[events.length - 1]?.seq ?? 0;
      await link.acked(agent.epoch, 2);
      await hub.channel.close();
      assert.equal((await link.closed).code, CLOSE_CODES.shutdown);
      assert.equal(link.highestAck(agent.epoch), last, 'all acked before the shutdown close');
      assert.equal(hub.store.events('flood').length, events.length);
    } finally {
      await hub.stop();
    }
  });
});

describe('heartbeats and dead links', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ deadAfterMs: 400, helloTimeoutMs: 200 });
  });
  after(async () => {
    await hub.stop();
  });

  it('terminates a link silent for deadAfterMs', async () => {
    const { link } = await welcomed(hub, 'silent');
    assert.equal((await link.closed).code, 1006);
    const line = await hub.logged(
      (l) => l.msg === 'agent link closed' && l.cluster === 'silent',
      'the termination',
    );
    assert.deepEqual([line.code, line.reason], [1006, 'no frame for 400 ms: link terminated']);
    assert.equal(hub.channel.isConnected('silent'), false);
  });

  it('closes a link that sends no hello in time', async () => {
    const { credential } = hub.enroll('mute');
    const link = await connectAgent(hub.url, credential);
    assert.deepEqual(await link.closed, {
      code: CLOSE_CODES.invalidMessage,
      reason: 'hello: none within 200 ms',
    });
  });

  it('sends a heartbeat every heartbeatSeconds when it has nothing else to say', async () => {
    const beating = await startTestHub({ limits: { heartbeatSeconds: 1 } });
    try {
      const { link } = await welcomed(beating, 'beating');
      const heartbeat = await link.take('heartbeat', 5000);
      assert.ok(!Number.isNaN(Date.parse(heartbeat.body.at)));
      link.close();
      await link.closed;
    } finally {
      await beating.stop();
    }
  });
});
