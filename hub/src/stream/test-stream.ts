// For the stream's tests: clusters as the API shows them, a source over an in-memory table, a fake
// clock whose timers fire only when the test moves it, and a reader of a subscription's body.
import type { ClusterJson } from '../api/json.ts';
import { createSseParser, type ParsedEvent } from '../cli/sse-parser.ts';
import type { ClusterSource } from './cluster-source.ts';
import type { Schedule } from './stale-timer.ts';

export function clusterJsonOf(name: string, overrides: Partial<ClusterJson> = {}): ClusterJson {
  return {
    name,
    labels: {},
    source: {
      repo: 'https://git.example/fleet.git',
      ref: 'main',
      path: `clusters/${name}`,
      credentialsSecret: null,
    },
    targetNamespace: '',
    state: 'enrolled',
    connected: true,
    stale: false,
    lastHeardAt: '2025-01-01T00:00:00.000Z',
    clusterUid: `uid-${name}`,
    agentVersion: '0.1.0',
    kubernetesVersion: 'v1.30.2',
    createdAt: '2025-01-01T00:00:00.000Z',
    enrolledAt: '2025-01-01T00:00:00.000Z',
    health: { status: 'Current', message: 'all current' },
    sync: null,
    refusal: null,
    readiness: null,
    recovery: null,
    ...overrides,
  };
}

export interface TableSource extends ClusterSource {
  readonly table: Map<string, ClusterJson>;
}

export function tableSource(clusters: readonly ClusterJson[] = []): TableSource {
  const table = new Map(clusters.map((cluster) => [cluster.name, cluster]));
  return {
    table,
    readMany: (names) =>
      new Map(
        names.flatMap((name) => {
          const cluster = table.get(name);
          return cluster === undefined ? [] : [[name, cluster] as const];
        }),
      ),
    page: (selector, after, limit) => {
      const all = [...table.values()]
        .filter((c) => Object.entries(selector ?? {}).every(([k, v]) => c.labels[k] === v))
        .sort((a, b) => a.name.localeCompare(b.name))
        .filter((c) => after === undefined || c.name > after);
      const items = all.slice(0, limit);
      return { items, next: all.length > limit ? items.at(-1)?.name : undefined };
    },
  };
}

export interface FakeClock {
  now: () => number;
  readonly schedule: Schedule;
  /** Moves the clock to `ms` and fires every timer due by then, in order. */
  advance(toMs: number): void;
  /** Fires the timers due now (a delay of 0: the next turn). */
  runDue(): void;
  readonly pending: number;
}

export function fakeClock(startMs: number): FakeClock {
  let now = startMs;
  let nextId = 0;
  const timers = new Map<number, { at: number; fire: () => void }>();
  const runDue = (): void => {
    for (;;) {
      const due = [...timers]
        .filter(([, t]) => t.at <= now)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (due === undefined) return;
      timers.delete(due[0]);
      due[1].fire();
    }
  };
  return {
    now: () => now,
    schedule: (delayMs, fire) => {
      const id = (nextId += 1);
      timers.set(id, { at: now + Math.max(0, delayMs), fire });
      return () => {
        timers.delete(id);
      };
    },
    advance: (toMs) => {
      now = toMs;
      runDue();
    },
    runDue,
    get pending() {
      return timers.size;
    },
  };
}

/** Reads a body's events as they come; `next(n)` waits for n more. */
export function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser();
  const queued: ParsedEvent[] = [];
  let text = '';
  let done = false;
  return {
    /** All the raw text read so far. */
    text: () => text,
    async next(count: number): Promise<ParsedEvent[]> {
      while (queued.length < count && !done) {
        const chunk = await reader.read();
        if (chunk.done) {
          done = true;
          break;
        }
        const part = decoder.decode(chunk.value, { stream: true });
        text += part;
        queued.push(...parser.push(part));
      }
      return queued.splice(0, count);
    },
    async ended(): Promise<boolean> {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return true;
        const part = decoder.decode(chunk.value, { stream: true });
        text += part;
        queued.push(...parser.push(part));
      }
    },
    cancel: () => reader.cancel(),
  };
}
