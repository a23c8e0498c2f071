// Open-loop load: each stream offers one kind of message at a fixed rate, handing each message to the
// next agent in turn (round robin), so at rate N/T every agent sends one every T seconds. An agent whose
// link is down or at maxUnacked is passed over for the next; when none can take a message it is counted
// as deferred, never queued (the offered rate stays the rate asked, what the hub refuses shows).
import type { SimAgent } from './sim-agent.ts';

export const STREAM_KINDS = ['heartbeat', 'delta', 'report'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export interface StreamSpec {
  readonly kind: StreamKind;
  /** Messages (reports: syncReport + snapshot pairs) per second, over all agents. */
  readonly rate: number;
  readonly tag: string;
}

export interface StreamResult {
  readonly kind: StreamKind;
  readonly tag: string;
  readonly offered: number;
  readonly deferred: number;
}

export interface Streams {
  readonly results: () => StreamResult[];
  stop(): void;
}

const TICK_MS = 10;
const MAX_CATCH_UP_S = 0.1;

function send(agent: SimAgent, kind: StreamKind, tag: string): number {
  switch (kind) {
    case 'heartbeat':
      return agent.heartbeat(tag);
    case 'delta':
      return agent.delta(tag);
    case 'report':
      return agent.report(tag);
  }
}

export function startStreams(
  agents: readonly SimAgent[],
  specs: readonly StreamSpec[],
  now: () => number,
): Streams {
  const started = now();
  const state = specs.map((spec, index) => ({
    spec,
    // Streams start at different agents, so one agent does not get every kind at once.
    cursor: Math.floor((index * agents.length) / Math.max(1, specs.length)),
    offered: 0,
    deferred: 0,
    issued: 0,
  }));
  const tick = (): void => {
    const elapsed = (now() - started) / 1000;
    for (const stream of state) {
      let due = Math.floor(stream.spec.rate * elapsed) - stream.issued;
      // A generator that fell behind (its own loop late) does not catch up in one go: what it owes
      // beyond a tenth of a second is counted as deferred, not sent in a lump.
      const most = Math.max(1, Math.ceil(stream.spec.rate * MAX_CATCH_UP_S));
      if (due > most) {
        stream.deferred += due - most;
        stream.issued += due - most;
        due = most;
      }
      for (let n = 0; n < due; n++) {
        stream.issued += 1;
        let sent = false;
        for (let tries = 0; tries < agents.length && !sent; tries++) {
          const agent = agents[stream.cursor];
          stream.cursor = (stream.cursor + 1) % agents.length;
          if (agent !== undefined) sent = send(agent, stream.spec.kind, stream.spec.tag) > 0;
        }
        if (sent) stream.offered += 1;
        else {
          stream.deferred += due - n;
          stream.issued += due - n - 1;
          break;
        }
      }
    }
  };
  const timer = setInterval(tick, TICK_MS);
  return {
    results: () =>
      state.map((stream) => ({
        kind: stream.spec.kind,
        tag: stream.spec.tag,
        offered: stream.offered,
        deferred: stream.deferred,
      })),
    stop: () => {
      clearInterval(timer);
    },
  };
}
