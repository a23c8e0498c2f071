// The fleet list API as a person's page uses it, timed from outside the hub while the agents report:
// one call at a time, every intervalMs, cycling through the first page, the next page (walking the
// whole fleet by cursor), a label selector, a health filter and `stale=true`. Each latency is kept with
// the phase it fell in; a `stale=true` answer that lists anyone is kept too (stale flapping). After each
// list call, a `/healthz` (no query, no auth) is timed apart: what the event loop alone makes a request
// wait, to tell a slow query from a busy hub.

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

export interface ApiProbe {
  readonly samples: readonly ProbeSample[];
  readonly staleHits: readonly ProbeStaleHit[];
  stop(): Promise<void>;
}

interface Page {
  readonly items?: readonly { readonly name?: string }[];
  readonly next?: string;
}

export function startApiProbe(
  baseUrl: string,
  token: string,
  intervalMs: number,
  phase: () => string,
): ApiProbe {
  const samples: ProbeSample[] = [];
  const staleHits: ProbeStaleHit[] = [];
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
    const label = phase();
    const started = performance.now();
    try {
      const answer = await fetch(`${baseUrl}${pathOf(kind)}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(15_000),
      });
      const page = (await answer.json()) as Page;
      const ms = performance.now() - started;
      const items = page.items ?? [];
      samples.push({ phase: label, kind, ms, status: answer.status, items: items.length });
      if (kind === 'next page') cursor = page.next;
      if (kind === 'stale' && items.length > 0)
        staleHits.push({ phase: label, names: items.slice(0, 20).map((item) => item.name ?? '?') });
    } catch {
      samples.push({ phase: label, kind, ms: performance.now() - started, status: 0, items: 0 });
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
    samples,
    staleHits,
    stop: async () => {
      state.stopped = true;
      await loop;
    },
  };
}
