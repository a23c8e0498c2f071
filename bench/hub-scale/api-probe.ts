// The fleet list API as a person's page uses it, timed from outside the hub while the agents report:
// one call at a time, every intervalMs, cycling through the first page, the next page (walking the
// whole fleet by cursor), a label selector, a health filter and `stale=true`. Each latency is kept with
// the time its call began (the benchmark files it under the phase of that time); a `stale=true` answer
// that lists anyone is kept too (stale flapping). After each list call, a `/healthz` (no query, no auth)
// is timed apart: what the event loop alone makes a request wait, to tell a slow query from a busy hub.
// It runs in a process of its own (probe-proc.ts): in the benchmark's process, its timings also held
// what that process's loop was doing (the live stream's events, the generator's answers).

export const PROBE_KINDS = ['first page', 'next page', 'selector', 'health', 'stale'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number] | 'healthz';

export interface ProbeSample {
  readonly phase: string;
  readonly kind: ProbeKind;
  readonly ms: number;
  /** The HTTP status, or 0 when the call failed (the hub was down: a restart). */
  readonly status: number;
  readonly items: number;
}

export interface ProbeStaleHit {
  readonly phase: string;
  readonly names: readonly string[];
}

/** A sample as the probe takes it: `at` is when its call began (ms since the epoch). */
export type TimedSample = Omit<ProbeSample, 'phase'> & { readonly at: number };
export type TimedStaleHit = Omit<ProbeStaleHit, 'phase'> & { readonly at: number };

/** What the probe measured, when it stops. */
export interface ProbeResults {
  readonly samples: readonly TimedSample[];
  readonly staleHits: readonly TimedStaleHit[];
}

export interface ApiProbe {
  stop(): Promise<ProbeResults>;
}

interface Page {
  readonly items?: readonly { readonly name?: string }[];
  readonly next?: string;
}

export function startApiProbe(baseUrl: string, token: string, intervalMs: number): ApiProbe {
  const samples: TimedSample[] = [];
  const staleHits: TimedStaleHit[] = [];
  const state = { stopped: false };
  let cursor: string | undefined;
  const pathOf = (kind: ProbeKind): string => {
    switch (kind) {
      case 'first page':
        return '/api/v1/clusters';
      case 'next page':
        return cursor === undefined
          ? '/api/v1/clusters'
          : `/api/v1/clusters?after=${encodeURIComponent(cursor)}`;
      case 'selector':
        return '/api/v1/clusters?selector=env%3Dprod%2Cregion%3Deu-1';
      case 'health':
        return '/api/v1/clusters?health=InProgress';
      case 'stale':
        return '/api/v1/clusters?stale=true';
      case 'healthz':
        return '/healthz';
    }
  };
  const call = async (kind: ProbeKind): Promise<void> => {
    const at = Date.now();
    const started = performance.now();
    try {
      const answer = await fetch(`${baseUrl}${pathOf(kind)}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(15_000),
      });
      const page = (await answer.json()) as Page;
      const ms = performance.now() - started;
      const items = page.items ?? [];
      samples.push({ at, kind, ms, status: answer.status, items: items.length });
      if (kind === 'next page') cursor = page.next;
      if (kind === 'stale' && items.length > 0)
        staleHits.push({ at, names: items.slice(0, 20).map((item) => item.name ?? '?') });
    } catch {
      samples.push({ at, kind, ms: performance.now() - started, status: 0, items: 0 });
    }
  };
  const loop = (async () => {
    for (let n = 0; !state.stopped; n++) {
      const kind = PROBE_KINDS[n % PROBE_KINDS.length] ?? 'first page';
      const started = performance.now();
      await call(kind);
      await call('healthz');
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    stop: async () => {
      state.stopped = true;
      await loop;
      return { samples, staleHits };
    },
  };
}

/** A phase and when it began (ms since the epoch), in order. */
export interface PhaseMark {
  readonly at: number;
  readonly phase: string;
}

/** Files each sample under the phase its call began in. */
export function inPhases(
  results: ProbeResults,
  marks: readonly PhaseMark[],
): { readonly samples: ProbeSample[]; readonly staleHits: ProbeStaleHit[] } {
  const phaseAt = (at: number): string => {
    let phase = 'start';
    for (const mark of marks) {
      if (mark.at > at) break;
      phase = mark.phase;
    }
    return phase;
  };
  return {
    samples: results.samples.map(({ at, ...sample }) => ({ ...sample, phase: phaseAt(at) })),
    staleHits: results.staleHits.map(({ at, names }) => ({ phase: phaseAt(at), names })),
  };
}
