// The channel's options and their defaults, in one place. Limits go to every agent in its welcome; the
// rest are the hub's own: how long a link may stay silent, and how records are committed in groups.
import { type Logger } from '@ferry/shared';
import { DEFAULT_LIMITS, LIMIT_RANGES, type Limits } from '@ferry/shared/protocol';
import type { Store } from '../store/index.ts';

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
  /** Backpressure: above this many queued records the hub stops reading agents' sockets (default 10,000). */
  readonly highWaterRecords?: number;
  /** Backpressure: the same in bytes of queued frames (default 64 MiB). */
  readonly highWaterBytes?: number;
  /** close(): how long to wait for agents to answer the close before cutting their links (default 5 s). */
  readonly closeTimeoutMs?: number;
  /**
   * These clusters' stored or live state may have changed: a commit stored their records (heartbeats
   * included), or a link of theirs was welcomed or closed (connected, refusal). For the live event
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
  readonly highWaterRecords: number;
  readonly highWaterBytes: number;
  readonly closeTimeoutMs: number;
  readonly onClustersChanged: (clusters: readonly string[]) => void;
}

export const DEFAULT_CHANNEL_OPTIONS = {
  helloTimeoutMs: 10_000,
  flushIntervalMs: 10,
  flushMaxRecords: 1000,
  highWaterRecords: 10_000,
  highWaterBytes: 64 * 1024 * 1024,
  closeTimeoutMs: 5000,
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
    highWaterRecords: options.highWaterRecords ?? DEFAULT_CHANNEL_OPTIONS.highWaterRecords,
    highWaterBytes: options.highWaterBytes ?? DEFAULT_CHANNEL_OPTIONS.highWaterBytes,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CHANNEL_OPTIONS.closeTimeoutMs,
    onClustersChanged: options.onClustersChanged ?? (() => undefined),
  };
  checkInteger('deadAfterMs', resolved.deadAfterMs, 1, MAX_TIMER_MS);
  checkInteger('helloTimeoutMs', resolved.helloTimeoutMs, 1, MAX_TIMER_MS);
  checkInteger('flushIntervalMs', resolved.flushIntervalMs, 0, MAX_TIMER_MS);
  checkInteger('flushMaxRecords', resolved.flushMaxRecords, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('highWaterRecords', resolved.highWaterRecords, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('highWaterBytes', resolved.highWaterBytes, 1, Number.MAX_SAFE_INTEGER);
  checkInteger('closeTimeoutMs', resolved.closeTimeoutMs, 1, MAX_TIMER_MS);
  return resolved;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`channel option ${name}: ${value} is not an integer from ${min} to ${max}`);
  }
}
