// following(): what each connected agent's GitSync follows now, from its latest accepted hello (the
// webhook relay matches pushes against it), over real websocket connections.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentMessageOf } from '@ferry/shared/protocol';
import { agentSession, connectAgent, type AgentSession } from './test-client.ts';
import { startTestHub } from './test-hub.ts';

function helloFollowing(
  agent: AgentSession,
  source: { repo: string; ref: string; path: string },
): AgentMessageOf<'hello'> {
  const hello = agent.hello();
  return { ...hello, body: { ...hello.body, source } };
}

describe('the channel: what connected agents follow', () => {
  it('records the source of each accepted hello, takes a reconnect hello over it, and forgets a closed link', async () => {
    const hub = await startTestHub();
    try {
      const north = hub.enroll('north');
      const south = hub.enroll('south');
      hub.enroll('silent');
      assert.deepEqual(hub.channel.following(), []);

      const agent = agentSession(north.clusterUid);
      const first = await connectAgent(hub.url, north.credential);
      first.send(
        helloFollowing(agent, { repo: 'https://git.example/fleet.git', ref: 'main', path: 'clusters/north' }),
      );
      await first.take('welcome');
      const other = await connectAgent(hub.url, south.credential);
      other.send(
        helloFollowing(agentSession(south.clusterUid), {
          repo: 'git@git.example:fleet.git',
          ref: 'v1.2.0',
          path: '',
        }),
      );
      await other.take('welcome');
      // A link still at its hello follows nothing yet.
      const waiting = await connectAgent(hub.url, hub.enroll('waiting').credential);
      await waiting.roundTrip();
      assert.deepEqual(hub.channel.following(), [
        { cluster: 'north', repo: 'https://git.example/fleet.git', ref: 'main', path: 'clusters/north' },
        { cluster: 'south', repo: 'git@git.example:fleet.git', ref: 'v1.2.0', path: '' },
      ]);

      // The GitSync changed in Git: the agent's next connection says so, and that is what counts.
      const second = await connectAgent(hub.url, north.credential);
      second.send(
        helloFollowing(agent, { repo: 'https://git.example/apps.git', ref: 'release', path: 'north' }),
      );
      await second.take('welcome');
      await first.closed;
      assert.deepEqual(hub.channel.following()[0], {
        cluster: 'north',
        repo: 'https://git.example/apps.git',
        ref: 'release',
        path: 'north',
      });

      other.close();
      await other.closed;
      second.close();
      await second.closed;
      waiting.close();
      await waiting.closed;
      assert.deepEqual(hub.channel.following(), []);
    } finally {
      await hub.stop();
    }
  });
});
