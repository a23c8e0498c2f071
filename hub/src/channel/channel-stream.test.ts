// What agents send, stored exactly once and acked only once stored: every message type, resends after a
// reconnect, new epochs, and the snapshot digest that decides whether the hub asks for a full snapshot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snapshotDigest, type ResourceSummary } from '@ferry/shared/protocol';
import { agentSession, connectAgent, DEPLOYMENT, SERVICE, type AgentLink } from './test-client.ts';
import { startTestHub, type TestHub } from './test-hub.ts';

const RESOURCES: ResourceSummary[] = [
  {
    ref: DEPLOYMENT,
    health: 'InProgress',
    healthMessage: '1 of 2 updated',
    lastAction: 'configured',
    drifted: false,
  },
  { ref: SERVICE, health: 'Current', drifted: false },
];

function acksOf(link: AgentLink, epoch: string): number[] {
  return link.received.flatMap((message) =>
    message.type === 'ack' && message.body.epoch === epoch ? [message.body.seq] : [],
  );
}

describe('what an agent sends', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub();
  });
  after(async () => {
    await hub.stop();
  });

  async function welcomed(credential: string, hello: Parameters<AgentLink['send']>[0]): Promise<AgentLink> {
    const link = await connectAgent(hub.url, credential);
    link.send(hello);
    await link.take('welcome');
    return link;
  }

  it('is stored, every type, and acked cumulatively once committed', async () => {
    const { credential, clusterUid } = hub.enroll('stream');
    const agent = agentSession(clusterUid);
    const link = await welcomed(credential, agent.hello());
    await link.take('snapshotRequest');
    const digest = snapshotDigest(RESOURCES);
    const moved: ResourceSummary[] = [{ ref: SERVICE, health: 'InProgress', drifted: false }];
    const messages = [
      agent.snapshot('snap-1', digest, 0, 2, RESOURCES.slice(0, 1)),
      agent.snapshot('snap-1', digest, 1, 2, RESOURCES.slice(1)),
      agent.syncReport('sync-1'),
      agent.delta('snap-1', moved, [DEPLOYMENT], snapshotDigest(moved)),
      agent.drift('reported'),
      agent.event('synced'),
    ];
    for (const message of messages) link.send(message);
    const last = messages[messages.length - 1]?.seq ?? 0;
    await link.acked(agent.epoch, last);
    const acks = acksOf(link, agent.epoch);
    assert.deepEqual(
      [...acks].sort((a, b) => a - b),
      acks,
      'acks only move forward',
    );
    assert.equal(acks[acks.length - 1], last);

    const history = hub.store.history('stream', { limit: 10 }).items;
    assert.deepEqual(
      history.map((sync) => [sync.syncId, sync.counts]),
      [['sync-1', { created: 1, configured: 0, unchanged: 3, deleted: 0, failed: 0, skipped: 0 }]],
    );
    assert.deepEqual(hub.store.getCluster('stream')?.sync?.revision, 'rev-sync-1');
    assert.deepEqual(hub.store.resources('stream', { limit: 10 }).items, [
      { ref: SERVICE, health: { status: 'InProgress', message: '' }, lastAction: undefined, drifted: false },
    ]);
    assert.deepEqual(
      hub.store.drift('stream').map((drift) => [drift.kind, drift.action, drift.fields[0]?.managers]),
      [['changed', 'reported', ['kubectl-edit']]],
    );
    assert.deepEqual(
      hub.store.events('stream').map((event) => event.message),
      ['synced'],
    );

    // A reconnect with the digest of the state the hub holds: no snapshot asked.
    link.close();
    await link.closed;
    const again = await welcomed(credential, agent.hello({ snapshotDigest: snapshotDigest(moved) }));
    const probe = agent.event('probe');
    again.send(probe);
    await again.acked(agent.epoch, probe.seq);
    assert.equal(
      again.received.some((message) => message.type === 'snapshotRequest'),
      false,
      'the digests match',
    );
    again.close();
    await again.closed;
    // And with another digest: asked.
    const differing = await welcomed(credential, agent.hello({ snapshotDigest: digest }));
    await differing.take('snapshotRequest');
    differing.close();
    await differing.closed;
  });

  it('acks a resend after a reconnect again, and stores it once', async () => {
    const { credential, clusterUid } = hub.enroll('resend');
    const agent = agentSession(clusterUid);
    const first = await welcomed(credential, agent.hello());
    const sync = agent.syncReport('sync-1');
    const event = agent.event();
    first.send(sync);
    first.send(event);
    await first.acked(agent.epoch, event.seq);
    // Maybe stored, maybe not: the link is cut right after sending.
    const unsure = agent.event();
    first.send(unsure);
    first.terminate();
    await first.closed;

    // The same process reconnects, and resends everything as if no ack had come through.
    const second = await welcomed(credential, agent.hello());
    const stored = hub.store.epochSeq('resend', agent.epoch);
    assert.ok(stored === event.seq || stored === unsure.seq);
    assert.deepEqual(await second.take('ack'), {
      v: 1,
      type: 'ack',
      body: { epoch: agent.epoch, seq: stored },
    });
    for (const message of [sync, event, unsure]) second.send(message);
    const fresh = agent.event();
    second.send(fresh);
    await second.acked(agent.epoch, fresh.seq);
    assert.deepEqual(
      hub.store.history('resend', { limit: 10 }).items.map((s) => s.syncId),
      ['sync-1'],
      'no duplicate history row',
    );
    assert.deepEqual(
      hub.store
        .events('resend')
        .map((e) => e.message)
        .sort(),
      [event, unsure, fresh].map((m) => m.body.message).sort(),
      'every event once',
    );
    second.close();
    await second.closed;
  });

  it('accepts a new epoch (the agent restarted) and keeps what the old one stored', async () => {
    const { credential, clusterUid } = hub.enroll('restarted');
    const old = agentSession(clusterUid);
    const first = await welcomed(credential, old.hello());
    const event = old.event();
    first.send(event);
    await first.acked(old.epoch, event.seq);
    first.terminate();
    await first.closed;
    const fresh = agentSession(clusterUid);
    const second = await welcomed(credential, fresh.hello());
    const next = fresh.event();
    second.send(next);
    await second.acked(fresh.epoch, next.seq);
    assert.deepEqual(acksOf(second, old.epoch), [], 'nothing acked for the old epoch');
    assert.deepEqual(
      [hub.store.epochSeq('restarted', old.epoch), hub.store.epochSeq('restarted', fresh.epoch)],
      [2, 2],
    );
    assert.equal(hub.store.events('restarted').length, 2);
    second.close();
    await second.closed;
  });

  it('notes a heartbeat as heard, and never acks it on its own', async () => {
    const { credential, clusterUid } = hub.enroll('beating');
    const agent = agentSession(clusterUid);
    const first = await welcomed(credential, agent.hello());
    const event = agent.event();
    first.send(event);
    await first.acked(agent.epoch, event.seq);
    first.send(agent.heartbeat());
    first.close();
    await first.closed;
    const second = await welcomed(credential, agent.hello());
    assert.deepEqual(
      (await second.take('ack')).body.seq,
      event.seq,
      'the heartbeat did not move the stored seq',
    );
    second.send(agent.heartbeat());
    const next = agent.event();
    second.send(next);
    await second.acked(agent.epoch, next.seq);
    assert.deepEqual(acksOf(second, agent.epoch), [event.seq, next.seq]);
    second.close();
    await second.closed;
  });

  it('asks for a full snapshot again when a chunk arrives out of order', async () => {
    const { credential, clusterUid } = hub.enroll('gap');
    const agent = agentSession(clusterUid);
    const link = await welcomed(credential, agent.hello());
    await link.take('snapshotRequest');
    const digest = snapshotDigest(RESOURCES);
    link.send(agent.snapshot('snap-1', digest, 0, 3, RESOURCES.slice(0, 1)));
    link.send(agent.snapshot('snap-1', digest, 2, 3, RESOURCES.slice(1)));
    await link.take('snapshotRequest');
    assert.equal(hub.store.snapshotMeta('gap'), undefined);
    link.close();
    await link.closed;
  });
});
