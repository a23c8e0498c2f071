// kill -9 of the hub in the middle of an agent's stream, five times: the database stays sound, every
// seq the agent saw acked is stored, nothing is stored twice, and once the agent has resent what was
// never acked, everything it sent is stored exactly once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import type { AgentMessageOf } from '@ferry/shared/protocol';
import { digest, newToken } from '../crypto.ts';
import { enrollmentExpiry, openStore, type Store } from '../store/index.ts';
import { newCluster } from '../store/test-store.ts';
import { AGENT_CHANNEL_PATH } from './channel.ts';
import { agentSession, connectAgent, type AgentLink, type AgentSession } from './test-client.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '..', '..', '..');
const HUB = join(HERE, 'crash-hub.ts');
const KILLS = 5;
const CLUSTER = 'crashing';
/** The agent's window: as many unacked messages as the hub's default maxUnacked. */
const WINDOW = 64;

type Stored = AgentMessageOf<'event'> | AgentMessageOf<'syncReport'>;

interface Hub {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<NodeJS.Signals | null>;
}

function startHub(path: string): Promise<Hub> {
  return new Promise((resolveHub, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ferry/source', HUB, path], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((done) => {
      child.on('exit', (_code, signal) => {
        done(signal);
      });
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /^port (\d+)$/m.exec(out)?.[1];
      if (port !== undefined) resolveHub({ child, port: Number(port), exited });
    });
    child.on('error', fail);
    void exited.then((signal) => {
      fail(new Error(`the hub exited before listening (${signal}): ${err}`));
    });
  });
}

/** One agent process, across hub restarts: its epoch, its unacked window, and all it ever sent. */
class Agent {
  readonly session: AgentSession;
  readonly unacked = new Map<number, Stored>();
  readonly sent = new Map<number, Stored>();
  acked = 0;

  constructor(session: AgentSession) {
    this.session = session;
  }

  /** Fills the window with new messages: a sync report every fifth, events otherwise. */
  fill(link: AgentLink): void {
    while (this.unacked.size < WINDOW) {
      const next = this.session.nextSeq;
      const message = next % 5 === 0 ? this.session.syncReport(`sync-${next}`) : this.session.event();
      this.unacked.set(message.seq, message);
      this.sent.set(message.seq, message);
      link.send(message);
    }
  }

  /** Forgets what the hub acked. */
  settle(link: AgentLink): void {
    this.acked = Math.max(this.acked, link.highestAck(this.session.epoch));
    for (const seq of this.unacked.keys()) if (seq <= this.acked) this.unacked.delete(seq);
  }
}

async function connect(port: number, credential: string, agent: Agent): Promise<AgentLink> {
  const link = await connectAgent(`ws://127.0.0.1:${port}${AGENT_CHANNEL_PATH}`, credential);
  link.send(agent.session.hello());
  await link.take('welcome');
  // Resent in seq order, before anything new, as the protocol asks.
  for (const message of agent.unacked.values()) link.send(message);
  return link;
}

/** Streams until `acks` acks have come, then kills the hub with SIGKILL in the middle of it. */
async function streamAndKill(hub: Hub, link: AgentLink, agent: Agent, acks: number): Promise<void> {
  let seen = 0;
  agent.fill(link);
  while (seen < acks) {
    await link.acked(agent.session.epoch, link.highestAck(agent.session.epoch) + 1, 20_000);
    seen += 1;
    agent.settle(link);
    agent.fill(link);
  }
  hub.child.kill('SIGKILL');
  assert.equal(await hub.exited, 'SIGKILL');
  await link.closed;
  agent.settle(link);
}

/** What the store holds of the agent's stream, by seq; fails on anything stored twice. */
function storedSeqs(store: Store): number[] {
  const events = store.events(CLUSTER).map((event) => Number(/^seq (\d+)$/.exec(event.message)?.[1]));
  const syncs: number[] = [];
  let before: string | undefined;
  do {
    const page = store.history(CLUSTER, { limit: 1000, before });
    syncs.push(...page.items.map((sync) => Number(sync.syncId.slice('sync-'.length))));
    before = page.next;
  } while (before !== undefined);
  const all = [...events, ...syncs].sort((a, b) => a - b);
  assert.equal(new Set(all).size, all.length, 'nothing stored twice');
  return all;
}

function check(path: string, agent: Agent, round: string): number {
  const store = openStore({ path });
  try {
    assert.deepEqual(store.integrityCheck(), ['ok'], `${round}: integrity_check`);
    const stored = new Set(storedSeqs(store));
    const mark = store.epochSeq(CLUSTER, agent.session.epoch);
    assert.ok(mark >= agent.acked, `${round}: acked ${agent.acked}, stored up to ${mark}`);
    for (const seq of agent.sent.keys()) {
      if (seq <= agent.acked) assert.ok(stored.has(seq), `${round}: seq ${seq} was acked but is not stored`);
    }
    for (const seq of stored) assert.ok(agent.sent.has(seq), `${round}: seq ${seq} was never sent`);
    return stored.size;
  } finally {
    store.close();
  }
}

describe('the hub killed with SIGKILL while an agent streams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-channel-crash-'));
  const path = join(dir, 'hub.db');
  let running: Hub | undefined;
  after(() => {
    running?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays sound, keeps every acked seq exactly once, and stores all once the agent resent the rest', async () => {
    const setup = openStore({ path });
    const now = new Date();
    setup.createCluster(newCluster(CLUSTER), now);
    const token = newToken('enrollment');
    const credential = newToken('api');
    setup.issueEnrollmentToken(CLUSTER, digest(token), enrollmentExpiry(now), now);
    assert.ok(setup.redeemEnrollment(digest(token), digest(credential), now).ok);
    setup.close();
    const agent = new Agent(agentSession('0b8f3e4c-7a2d-4f61-8c5e-1d9a7b3c2e40'));

    for (let round = 0; round < KILLS; round += 1) {
      running = await startHub(path);
      const link = await connect(running.port, credential, agent);
      await streamAndKill(running, link, agent, 2 + Math.floor(Math.random() * 30));
      running = undefined;
      check(path, agent, `round ${round}`);
    }

    // The agent resends what was never acked to a hub that stays up: then all it sent is stored.
    running = await startHub(path);
    const link = await connect(running.port, credential, agent);
    const last = Math.max(...agent.sent.keys());
    await link.acked(agent.session.epoch, last, 20_000);
    agent.settle(link);
    assert.equal(agent.unacked.size, 0);
    running.child.kill('SIGKILL');
    await running.exited;
    running = undefined;
    assert.equal(check(path, agent, 'at the end'), agent.sent.size, 'everything sent, stored once');
    assert.ok(agent.acked > KILLS * 2, `the stream made progress (${agent.acked} acked)`);
  });
});
