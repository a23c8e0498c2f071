// Stale flapping, as the hub itself reports it: the live event stream (GET /api/v1/events) read for the
// whole run, every `cluster` event that shows a cluster stale kept with the phase it came in (every
// agent is connected and heard from throughout, so any is a flap), and the disconnects outside the hub
// restarts counted. The stream is opened again after it ends (a hub restart ends it).

export interface StaleEvent {
  readonly phase: string;
  readonly name: string;
  readonly connected: boolean;
  readonly lastHeardAt: string | null;
}

export interface StaleWatch {
  readonly staleEvents: readonly StaleEvent[];
  /** `cluster` events by phase, and those that showed a cluster disconnected. */
  readonly events: Map<string, number>;
  readonly disconnected: Map<string, number>;
  /** Times the stream was (re)opened and answered 200. */
  readonly subscriptions: number;
  stop(): Promise<void>;
}

interface ClusterEvent {
  readonly name?: string;
  readonly stale?: boolean;
  readonly connected?: boolean;
  readonly lastHeardAt?: string | null;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export function startStaleWatch(baseUrl: string, token: string, phase: () => string): StaleWatch {
  const staleEvents: StaleEvent[] = [];
  const events = new Map<string, number>();
  const disconnected = new Map<string, number>();
  let subscriptions = 0;
  const state = { stopped: false };
  let abort: AbortController | undefined;

  const onEvent = (block: string): void => {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (type !== 'cluster') return;
    const cluster = JSON.parse(data.join('\n')) as ClusterEvent;
    const label = phase();
    bump(events, label);
    if (cluster.connected === false) bump(disconnected, label);
    if (cluster.stale === true) {
      staleEvents.push({
        phase: label,
        name: cluster.name ?? '?',
        connected: cluster.connected === true,
        lastHeardAt: cluster.lastHeardAt ?? null,
      });
    }
  };

  const readOnce = async (): Promise<void> => {
    abort = new AbortController();
    const answer = await fetch(`${baseUrl}/api/v1/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    if (answer.status !== 200 || answer.body === null) return;
    subscriptions += 1;
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of answer.body) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        onEvent(text.slice(0, end));
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    }
  };

  const loop = (async () => {
    const stopped = (): boolean => state.stopped;
    while (!stopped()) {
      await readOnce().catch(() => undefined);
      // The stream ended (a hub restart): open it again in a moment.
      if (!stopped()) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  return {
    staleEvents,
    events,
    disconnected,
    get subscriptions() {
      return subscriptions;
    },
    stop: async () => {
      state.stopped = true;
      abort?.abort();
      await loop;
    },
  };
}
