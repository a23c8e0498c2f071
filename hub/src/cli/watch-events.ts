// Following the hub's event stream across disconnects: reconnect with Last-Event-ID after a backoff
// (1 s doubling to 30 s, ±20 % jitter, back to 1 s once a stream got to `ready`), until the signal
// aborts. The first connection's failure is the command's (exit codes as for any request); later ones
// are retried, except a token the hub no longer takes (exit 4).
import type { Connection } from './config.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { openHubStream } from './hub-stream.ts';
import { createSseParser, type ParsedEvent } from './sse-parser.ts';

export const RECONNECT_MIN_MS = 1000;
export const RECONNECT_MAX_MS = 30_000;
/** Two missed pings (the hub pings every 15 s) and the stream is taken as dead. */
export const STREAM_IDLE_MS = 45_000;

/** The wait before reconnect number `attempt` (0 first); `random` in [0, 1). */
export function reconnectDelay(attempt: number, random: number): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * random));
}

export interface WatchOptions {
  /** The label selector (`env=prod,team=a`), sent as the stream's filter. */
  readonly selector?: string | undefined;
  readonly signal: AbortSignal;
  readonly onEvent: (event: ParsedEvent) => void;
  /** The stream ended; the next connection is tried after delayMs. */
  readonly onReconnect: (delayMs: number, lastEventId: string | undefined) => void;
  readonly random?: () => number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Follows the stream until the signal aborts; throws CliError for a failure it does not retry. */
export async function watchEvents(connection: Connection, options: WatchOptions): Promise<void> {
  const { signal } = options;
  const stopped = (): boolean => signal.aborted;
  const query =
    options.selector === undefined
      ? ''
      : `?${new URLSearchParams({ selector: options.selector }).toString()}`;
  let lastEventId: string | undefined;
  let attempt = 0;
  let connected = false;
  while (!signal.aborted) {
    const parser = createSseParser(lastEventId);
    try {
      const stream = await openHubStream(connection, `/api/v1/events${query}`, {
        headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
        signal,
        idleTimeoutMs: STREAM_IDLE_MS,
        onText: (text) => {
          for (const event of parser.push(text)) {
            if (event.event === 'ready') attempt = 0;
            options.onEvent(event);
          }
          lastEventId = parser.lastEventId;
        },
      });
      connected = true;
      await stream.done;
    } catch (error) {
      if (stopped()) return;
      const refused = error instanceof CliError && error.exitCode === EXIT.unauthorized;
      if (!connected || refused) throw error;
    }
    if (stopped()) return;
    const delay = reconnectDelay(attempt, (options.random ?? Math.random)());
    attempt += 1;
    options.onReconnect(delay, lastEventId);
    await sleep(delay, signal);
  }
}
