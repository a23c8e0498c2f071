// The load generator: a process of its own (it needs more than 10,000 file descriptors, as the hub does),
// started by hub-scale.bench.ts with an IPC channel, playing every seeded agent over real websockets
// from 127.0.0.2, 127.0.0.3, ... It does what the benchmark asks (ipc.ts), one command at a time, and
// answers with what it measured.
//   node --import tsx --conditions=@ferry/source bench/hub-scale/generator.ts '<GeneratorConfig JSON>'
import { readFileSync } from 'node:fs';
import type { AgentIdentity } from './frames.ts';
import { checkFrames } from './frames.ts';
import type {
  Answer,
  BurstResult,
  Command,
  ConnectResult,
  Distribution,
  GeneratorStats,
  ReconnectPolicy,
  StormResult,
} from './ipc.ts';
import { createRecorder, rankPercentile } from './recorder.ts';
import { startStreams, type Streams } from './scheduler.ts';
import { createCounters, SimAgent, type AgentContext } from './sim-agent.ts';
import { createStateTable } from './state.ts';

export interface GeneratorConfig {
  /** ws://127.0.0.1:PORT/api/v1/agents/connect */
  readonly url: string;
  /** A JSON file: AgentIdentity[] (seed.ts). */
  readonly agentsFile: string;
  readonly agentsPerAddress: number;
  readonly resources: number;
  /** Validate one hub frame in this many with the protocol's schema. */
  readonly validateEvery: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
const identities = JSON.parse(readFileSync(config.agentsFile, 'utf8')) as AgentIdentity[];
const state = createStateTable(config.resources);
const first = identities[0];
if (first !== undefined) checkFrames(state, first);
const now = (): number => performance.now();
const recorder = createRecorder();
const counters = createCounters();
let policy: ReconnectPolicy = 'auto';
let stopping = false;

interface StormMark {
  deltaSeq: number;
  ackedAt: number;
}
let storm: { readonly tag: string; readonly marks: Map<SimAgent, StormMark> } | undefined;

const context: AgentContext = {
  url: config.url,
  state,
  recorder,
  now,
  counters,
  validateEvery: config.validateEvery,
  welcomed: (agent) => {
    if (storm === undefined || storm.marks.get(agent)?.deltaSeq) return;
    storm.marks.set(agent, { deltaSeq: agent.delta(storm.tag), ackedAt: Number.NaN });
  },
  acked: (agent, seq) => {
    const mark = storm?.marks.get(agent);
    if (mark !== undefined && mark.deltaSeq > 0 && seq >= mark.deltaSeq && agent.inflight === 0)
      mark.ackedAt = Number.isNaN(mark.ackedAt) ? now() : mark.ackedAt;
  },
  closed: (agent) => {
    if (stopping || policy !== 'auto') return;
    setTimeout(
      () => {
        if (!stopping && policy === 'auto') agent.connect('reconnect');
      },
      1000 + Math.random() * 4000,
    ).unref();
  },
};

const agents = identities.map((identity, index) => {
  const address = `127.0.0.${String(2 + Math.floor(index / config.agentsPerAddress))}`;
  return new SimAgent(identity, address, context, index);
});

function distribution(values: readonly number[]): Distribution {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: rankPercentile(sorted, 50),
    p99: rankPercentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Re-checks every 50 ms until `done` holds or the timeout; true when it held. */
async function until(done: () => boolean, timeoutMs: number, each?: () => void): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    each?.();
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connectAll(
  tag: string,
  rate: number,
  concurrency: number,
  timeoutMs: number,
): Promise<ConnectResult> {
  const started = now();
  let fired = 0;
  // Agents between their connect and their welcome: at most `concurrency` at once (enrollment waves are
  // spread out; the reconnect storm is the all-at-once case).
  const pending = (): number => {
    let count = 0;
    for (let i = 0; i < fired; i++) {
      const link = agents[i]?.link;
      if (link === 'connecting' || link === 'hello') count += 1;
    }
    return count;
  };
  await until(
    () => fired >= agents.length,
    timeoutMs,
    () => {
      const due =
        rate <= 0
          ? agents.length
          : Math.min(agents.length, Math.floor(((now() - started) / 1000) * rate) + 1);
      const room = concurrency <= 0 ? Infinity : concurrency - pending();
      for (let n = 0; fired < due && n < room; n++, fired++) agents[fired]?.connect(tag);
    },
  );
  const ready = (): number =>
    agents.filter((agent) => agent.link === 'open' && agent.hasSnapshot && agent.inflight === 0).length;
  await until(() => ready() === agents.length, Math.max(0, timeoutMs - (now() - started)));
  return {
    type: 'connected',
    agents: agents.length,
    welcomed: agents.filter((agent) => agent.link === 'open').length,
    ready: ready(),
    elapsedMs: now() - started,
    welcomeMs: distribution(agents.map((agent) => agent.welcomedAt - agent.connectStartedAt)),
    snapshots: recorder.stats(`${tag}:requested`),
  };
}

let background: Streams | undefined;

async function burst(command: Extract<Command, { type: 'burst' }>): Promise<BurstResult> {
  const streams = startStreams(agents, command.streams, now);
  await sleep(command.seconds * 1000);
  streams.stop();
  const windowEnd = now();
  const windowMs = windowEnd - (recorder.stats(command.tag).firstSentAt || windowEnd);
  const coverTag = `${command.tag}:cover`;
  // Heartbeats are never acked: a delta after the last one lets a cumulative ack cover it.
  const cover = (): void => {
    for (const agent of agents)
      if (agent.beatsOf(command.tag) > 0 && agent.inflight === 0) agent.delta(coverTag);
  };
  await until(
    () => recorder.outstanding(command.tag) === 0 && recorder.outstanding(coverTag) === 0,
    command.timeoutMs,
    cover,
  );
  return {
    type: 'burst-done',
    tag: command.tag,
    windowMs,
    streams: streams.results(),
    stats: recorder.stats(command.tag),
    cover: recorder.stats(coverTag),
    drainMs: now() - windowEnd,
    outstanding: recorder.outstanding(command.tag),
  };
}

async function stormAll(tag: string, timeoutMs: number): Promise<StormResult> {
  const marks = new Map<SimAgent, StormMark>();
  storm = { tag, marks };
  const started = now();
  for (const agent of agents) agent.connect(tag);
  const fireMs = now() - started;
  // An agent whose connect fails tries again after 1-5 s, as a real one does.
  policy = 'auto';
  const acked = (): number => [...marks.values()].filter((mark) => !Number.isNaN(mark.ackedAt)).length;
  await until(() => acked() === agents.length, timeoutMs);
  storm = undefined;
  return {
    type: 'storm-done',
    tag,
    agents: agents.length,
    welcomed: agents.filter((agent) => agent.link === 'open').length,
    acked: acked(),
    welcomeMs: distribution(agents.map((agent) => agent.welcomedAt - started)),
    ackMs: distribution([...marks.values()].map((mark) => mark.ackedAt - started)),
    fireMs,
    snapshotRequests: counters.snapshotRequests.get(tag) ?? 0,
    stats: recorder.stats(tag),
  };
}

function stats(): GeneratorStats {
  return {
    type: 'stats',
    closes: Object.fromEntries([...counters.closes].map(([code, n]) => [String(code), n])),
    snapshotRequests: Object.fromEntries(counters.snapshotRequests),
    refusedUpgrades: Object.fromEntries(counters.refusedUpgrades),
    invalidHubFrames: counters.invalidHubFrames,
    hubFrames: counters.hubFrames,
    open: agents.filter((agent) => agent.link === 'open').length,
    background: background?.results() ?? [],
    tags: recorder.tags().map((tag) => recorder.stats(tag)),
  };
}

async function handle(command: Command): Promise<Answer> {
  switch (command.type) {
    case 'connect':
      return connectAll(command.tag, command.rate, command.concurrency, command.timeoutMs);
    case 'background':
      background?.stop();
      background = command.streams.length === 0 ? undefined : startStreams(agents, command.streams, now);
      return { type: 'ok' };
    case 'burst':
      return burst(command);
    case 'drain': {
      const drained = await until(() => agents.every((agent) => agent.inflight === 0), command.timeoutMs);
      return { type: 'ok', detail: drained ? 'drained' : 'timed out' };
    }
    case 'reconnect':
      policy = command.policy;
      return { type: 'ok' };
    case 'await-down': {
      const down = await until(() => agents.every((agent) => agent.link === 'down'), command.timeoutMs);
      return { type: 'ok', detail: down ? 'down' : 'some links still up' };
    }
    case 'storm':
      return stormAll(command.tag, command.timeoutMs);
    case 'stats':
      return stats();
    case 'stop':
      stopping = true;
      background?.stop();
      for (const agent of agents) agent.terminate();
      setTimeout(() => process.exit(0), 200).unref();
      return { type: 'ok' };
  }
}

let chain: Promise<void> = Promise.resolve();
process.on('message', (message: Command) => {
  chain = chain.then(async () => {
    let answer: Answer;
    try {
      answer = await handle(message);
    } catch (error) {
      answer = {
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    process.send?.(answer);
  });
});
process.on('disconnect', () => {
  // The benchmark went away: so does the generator.
  stopping = true;
  for (const agent of agents) agent.terminate();
  process.exit(0);
});
process.send?.({ type: 'ok', detail: `ready: ${String(agents.length)} agents` } satisfies Answer);
