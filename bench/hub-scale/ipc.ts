// What the benchmark and its generator process say to each other over the child's IPC channel: one
// command at a time, each answered once.
import type { TagStats } from './recorder.ts';
import type { StreamResult, StreamSpec } from './scheduler.ts';

export type Command =
  /** Connects every agent (rate per second, 0: all at once); done when each is welcomed and its first snapshot acked. */
  | {
      readonly type: 'connect';
      readonly tag: string;
      readonly rate: number;
      /** At most this many agents between connect and welcome at once (0: no bound). */
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  /** Replaces the background streams (the steady mix); an empty list stops it. */
  | { readonly type: 'background'; readonly streams: readonly StreamSpec[] }
  /** Offers the streams for `seconds`, then waits until everything they sent is acknowledged. */
  | {
      readonly type: 'burst';
      readonly tag: string;
      readonly streams: readonly StreamSpec[];
      readonly seconds: number;
      readonly timeoutMs: number;
    }
  /** Waits until no agent has a message in flight. */
  | { readonly type: 'drain'; readonly timeoutMs: number }
  /** Agents stay down when the hub closes their links (until 'storm'); 'auto' reconnects after 1-5 s. */
  | { readonly type: 'reconnect'; readonly policy: ReconnectPolicy }
  /** Waits until every link is down (the hub stopped). */
  | { readonly type: 'await-down'; readonly timeoutMs: number }
  /** Every agent connects at once; each sends a delta once welcomed; done when every one is acked. */
  | { readonly type: 'storm'; readonly tag: string; readonly timeoutMs: number }
  | { readonly type: 'stats' }
  | { readonly type: 'stop' };

export const RECONNECT_POLICIES = ['auto', 'hold'] as const;
export type ReconnectPolicy = (typeof RECONNECT_POLICIES)[number];

export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ConnectResult {
  readonly type: 'connected';
  readonly agents: number;
  readonly welcomed: number;
  /** Agents whose first snapshot was acked. */
  readonly ready: number;
  /** From the first connect to the last agent ready, ms. */
  readonly elapsedMs: number;
  /** Per agent, from its connect to its welcome, ms. */
  readonly welcomeMs: Distribution;
  readonly snapshots: TagStats;
}

export interface BurstResult {
  readonly type: 'burst-done';
  readonly tag: string;
  readonly windowMs: number;
  readonly streams: readonly StreamResult[];
  readonly stats: TagStats;
  /** Deltas sent after the window so that every heartbeat of it is covered by an ack. */
  readonly cover: TagStats;
  /** From the end of the window until every message was acked (or the timeout), ms. */
  readonly drainMs: number;
  readonly outstanding: number;
}

export interface StormResult {
  readonly type: 'storm-done';
  readonly tag: string;
  readonly agents: number;
  readonly welcomed: number;
  /** Agents whose storm delta (and any snapshot the hub asked for) was acked. */
  readonly acked: number;
  /** From the storm's start (every connect fired), per agent, ms. */
  readonly welcomeMs: Distribution;
  readonly ackMs: Distribution;
  /** How long firing every connect took the generator, ms. */
  readonly fireMs: number;
  readonly snapshotRequests: number;
  readonly stats: TagStats;
}

export interface GeneratorStats {
  readonly type: 'stats';
  readonly closes: Readonly<Record<string, number>>;
  readonly snapshotRequests: Readonly<Record<string, number>>;
  readonly refusedUpgrades: Readonly<Record<string, number>>;
  readonly invalidHubFrames: number;
  readonly hubFrames: number;
  readonly open: number;
  readonly background: readonly StreamResult[];
  readonly tags: readonly TagStats[];
}

export type Answer =
  | ConnectResult
  | BurstResult
  | StormResult
  | GeneratorStats
  | { readonly type: 'ok'; readonly detail?: string }
  | { readonly type: 'error'; readonly message: string };
