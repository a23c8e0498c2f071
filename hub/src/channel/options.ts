// The channel's options and their defaults, in one place. Limits go to every agent in its welcome; the
// rest are the hub's own: how long a link may stay silent, and how records are committed in groups.
import { type Logger } from '@ferry/shared';
import { DEFAULT_LIMITS, LIMIT_RANGES, type Limits } from '@ferry/shared/protocol';
import type { Store } from '../store/index.ts';
import {
  DEFAULT_FLUSH_MAX_WEIGHT,
  DEFAULT_FLUSH_TARGET_MS,
  DEFAULT_HIGH_WATER_WEIGHT,
} from './commit-queue.ts';

export interface ChannelOptions {
  readonly store: Store;
  readonly now: () => Date;
  readonly log: Logger;
  /** Welcome limits; DEFAULT_LIMITS otherwise. */
  readonly limits?: Partial<Limits>;
  /** Close a link after this long without any frame (default 3 × heartbeatSeconds). */
  readonly deadAfterMs?: number;
  /** The hello must arrive this soon after the upgrade (default 10 s). */
  readonly helloTimeoutMs?: number;
  /** Group commit: a record waits at most this long for its commit to start (default 10 ms). */
  readonly flushIntervalMs?: number;
  /** Group commit: at most this many records per commit; as many queued start one at once (default 1000). */
  readonly flushMaxRecords?: number;
  /**
   * Group commit: at most this much work per commit, in rows (a record weighs 30, plus 1 per resource it
   * carries: flush-budget.ts); as much queued starts one at once (default 5000). Bounds how long a
   * commit holds the loop.
   */
  readonly flushMaxWeight?: number;
  /** Group commit: how long one commit should hold the event loop; the budget follows it (default 5 ms). */
  readonly flushTargetMs?: number;
  /** Backpressure: above this many queued records the hub stops reading agents' sockets (default 10,000). */
  readonly highWaterRecords?: number;
  /** Backpressure: the same in bytes of queued frames (default 64 MiB). */
  readonly highWaterBytes?: number;
  /** Backpressure: the same in rows of work queued (default 10,000: some 43 full snapshots, 333 heartbeats). */
  readonly highWaterWeight?: number;
  /** close(): how long to wait for agents to answer the close before cutting their links (default 5 s). */
  readonly closeTimeoutMs?: number;
  /**
   * A commit that only says a cluster was heard from (heartbeats; deltas and snapshots of a cluster with
   * no recovery) is told to onClustersChanged only when its frame ended a silence of at least this long
   * (default 5 s): the cluster may have been shown stale. Keep it below the hub's stale-after.
   */
  readonly notifyHeardAfterMs?: number;
  /** Snapshots asked of agents and not yet arrived, at most (the others wait their turn). */
  readonly snapshotRequestsOut?: number;
  /**
   * These clusters' stored or live state may have changed: a commit stored what the fleet view shows of
   * them (a sync, drift, events, resources of a cluster with a recovery) or heard them after a silence
   * (notifyHeardAfterMs), or a link of theirs was welcomed or closed (connected, refusal). A commit that
   * only moved lastHeardAt (and the resources) of a cluster heard a moment before is not told: nothing
   * shown changed, and the stream re-reads a cluster anyway when it would turn stale. For the live event
   * stream; called synchronously, so it must be cheap and must not throw.
   */
  readonly onClustersChanged?: (clusters: readonly string[]) => void;
}

export interface ResolvedOptions {
  readonly store: Store;
  readonly now: () => Date;
  readonly log: Logger;
  readonly limits: Limits;
  readonly deadAfterMs: number;
  readonly helloTimeoutMs: number;
  readonly flushIntervalMs: number;
  readonly flushMaxRecords: number;
  readonly flushMaxWeight: number;
  readonly flushTargetMs: number;
  readonly highWaterRecords: number;
  readonly highWaterBytes: number;
  readonly highWaterWeight: number;
  readonly closeTimeoutMs: number;
  readonly notifyHeardAfterMs: number;
  readonly snapshotRequestsOut: number;
  readonly onClustersChanged: (clusters: readonly string[]) => void;
}

export const DEFAULT_CHANNEL_OPTIONS = {
  helloTimeoutMs: 10_000,
  flushIntervalMs: 10,
  flushMaxRecords: 1000,
  flushMaxWeight: DEFAULT_FLUSH_MAX_WEIGHT,
  flushTargetMs: DEFAULT_FLUSH_TARGET_MS,
  highWaterRecords: 10_000,
  highWaterBytes: 64 * 1024 * 1024,
  highWaterWeight: DEFAULT_HIGH_WATER_WEIGHT,
  closeTimeoutMs: 5000,
  notifyHeardAfterMs: 5000,
  snapshotRequestsOut: 64,
} as const;

/** The longest delay a Node timer takes; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** The options with every default filled in; throws an Error naming the option that is out of range. */
export function resolveOptions(options: ChannelOptions): ResolvedOptions {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const key of Object.keys(LIMIT_RANGES) as (keyof Limits)[]) {
    const { min, max } = LIMIT_RANGES[key];
    checkInteger(`limits.${key}`, limits[key], min, max);
  }
  const resolved: ResolvedOptions = {
    store: options.store,
    now: options.now,
    log: options.log,
    limits,
    deadAfterMs: options.deadAfterMs ?? 3 * limits.heartbeatSeconds * 1000,
    helloTimeoutMs: options.helloTimeoutMs ?? DEFAULT_CHANNEL_OPTIONS.helloTimeoutMs,
    flushIntervalMs: options.flushIntervalMs ?? DEFAULT_CHANNEL_OPTIONS.flushIntervalMs,
    flushMaxRecords: options.flushMaxRecords ?? DEFAULT_CHANNEL_OPTIONS.flushMaxRecords,
    flushMaxWeight: options.flushMaxWeight ?? DEFAULT_CHANNEL_OPTIONS.flushMaxWeight,
    flushTargetMs: options.flushTargetMs ?? DEFAULT_CHANNEL_OPTIONS.flushTargetMs,
    highWaterRecords: options.highWaterRecords ?? DEFAULT_CHANNEL_OPTIONS.highWaterRecords,
    highWaterBytes: options.highWaterBytes ?? DEFAULT_CHANNEL_OPTIONS.highWaterBytes,
    highWaterWeight: options.highWaterWeight ?? DEFAULT_CHANNEL_OPTIONS.highWaterWeight,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CHANNEL_OPTIONS.closeTimeoutMs,
    notifyHeardAfterMs: options.notifyHeardAfterMs ?? DEFAULT_CHANNEL_OPTIONS.notifyHeardAfterMs,
    snapshotRequestsOut: options.snapshotRequestsOut ?? DEFAULT_CHANNEL_OPTIONS.snapshotRequestsOut,
    onClustersChanged: options.onClustersChanged ?? (() => undefined),
  };
  checkInteger('deadAfterMs', resolved.deadAfterMs, 1, MAX_TIMER_MS);
  checkInteger('helloTimeoutMs', resolved.helloTimeoutMs, 1, MAX_TIMER_MS);
  checkInteger('flushIntervalMs', resolved.flushIntervalMs, 0, MAX_TIMER_MS);
  checkInteger('flushMaxRecords', resolved.flushMaxRecords, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('flushMaxWeight', resolved.flushMaxWeight, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('flushTargetMs', resolved.flushTargetMs, 1, MAX_TIMER_MS);
  checkInteger('highWaterRecords', resolved.highWaterRecords, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('highWaterBytes', resolved.highWaterBytes, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('highWaterWeight', resolved.highWaterWeight, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('closeTimeoutMs', resolved.closeTimeoutMs, 1, MAX_TIMER_MS);
  checkInteger('notifyHeardAfterMs', resolved.notifyHeardAfterMs, 0, MAX_TIMER_MS);
  checkInteger('snapshotRequestsOut', resolved.snapshotRequestsOut, 1, Number.MAX_SAFE_INTEGER);
  return resolved;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`channel option ${name}: ${value} is not an integer from ${min} to ${max}`);
  }
}
