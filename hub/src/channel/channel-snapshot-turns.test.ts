// Snapshots are asked of agents in turns: at most snapshotRequestsOut out at once (the hub's memory
// holds what is on its way), the next agent asked once one has arrived or its link has ended.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { snapshotDigest, type ResourceSummary } from '@ferry/shared/protocol';
import { agentSession, connectAgent, SERVICE, type AgentLink, type AgentSession } from './test-client.ts';
import { startTestHub, type TestHub } from './test-hub.ts';

const RESOURCES: ResourceSummary[] = [{ ref: SERVICE, health: 'Current', drifted: false }];

interface Welcomed {
  readonly link: AgentLink;
  readonly agent: AgentSession;
}

describe('snapshots asked in turns', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startTestHub({ snapshotRequestsOut: 1 });
  });
  after(async () => {
    await hub.stop();
  });

  async function welcomed(name: string): Promise<Welcomed> {
    const { credential, clusterUid } = hub.enroll(name);
    const agent = agentSession(clusterUid);
    const link = await connectAgent(hub.url, credential);
    link.send(agent.hello());
    await link.take('welcome');
    return { link, agent };
  }

  /** An acked event: whatever the hub sent on the link before that ack has arrived (one socket, in order). */
  async function settled(link: AgentLink, agent: AgentSession): Promise<void> {
    const event = agent.event('settled');
    link.send(event);
    await link.acked(agent.epoch, event.seq);
  }

  const asked = (link: AgentLink): boolean =>
    link.received.some((message) => message.type === 'snapshotRequest');

  /** Two agents welcomed: the first asked for its snapshot, the second waiting for its turn. */
  async function oneTurnTaken(
    firstName: string,
    secondName: string,
  ): Promise<{ first: Welcomed; second: Welcomed }> {
    const first = await welcomed(firstName);
    await first.link.take('snapshotRequest');
    const second = await welcomed(secondName);
    await settled(second.link, second.agent);
    assert.equal(asked(second.link), false, 'the second agent was asked while the first one’s turn ran');
    return { first, second };
  }

  it('asks the next agent once the snapshot asked before has arrived', async () => {
    const { first, second } = await oneTurnTaken('turn-first', 'turn-second');
    first.link.send(first.agent.snapshot('snap-1', snapshotDigest(RESOURCES), 0, 1, RESOURCES));
    await second.link.take('snapshotRequest');
    first.link.close();
    second.link.close();
    await Promise.all([first.link.closed, second.link.closed]);
  });

  it('asks the next agent once the link whose turn it was has ended', async () => {
    const { first, second } = await oneTurnTaken('turn-gone', 'turn-after-gone');
    first.link.close();
    await first.link.closed;
    await second.link.take('snapshotRequest');
    second.link.close();
    await second.link.closed;
  });
});
