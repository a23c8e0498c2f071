// ReconcileOutcomes for the hub link's tests: what the sync loop hands its hooks, built from a few facts.
import type { Health, ObjectRef } from '@ferry/shared';
import type { ChangeSetEntry } from '../../engine/types.ts';
import type { Phase } from '../../gitsync/status.ts';
import type { ReconcileOutcome } from '../../reconcile.ts';
import type { SyncReport } from '../../sync.ts';

export const SHA = '3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a';

export function ref(
  kind: string,
  name: string,
  namespace = 'web',
  group = kind === 'Deployment' ? 'apps' : '',
): ObjectRef {
  return { group, version: 'v1', kind, namespace, name };
}

export function entry(object: ObjectRef, action: ChangeSetEntry['action'], message?: string): ChangeSetEntry {
  return { ref: object, action, ...(message !== undefined ? { message } : {}) };
}

export function syncReport(overrides: Partial<SyncReport> = {}): SyncReport {
  return {
    result: 'applied',
    revision: `main@sha1:${SHA}`,
    commit: {
      sha: SHA,
      time: '2024-05-01T11:58:00.000Z',
      author: { name: 'A', email: 'a@example.com' },
      subject: 'change',
    },
    history: 'fast-forward',
    changeSet: [],
    pruned: [],
    prune: undefined,
    failure: undefined,
    renderErrors: [],
    durationMs: 1200,
    timings: { fetch: 300, render: 40, resolve: 20, inventory: 10, apply: 800, prune: 30 },
    ...overrides,
  };
}

/** `health` null: no health was judged (the sync failed before). */
export function outcome(
  report: SyncReport | undefined,
  health: Health | null = { status: 'Current', message: 'all healthy' },
  phase: Phase = { kind: 'ready', message: 'Applied' },
): ReconcileOutcome {
  return { phase, spec: undefined, report, health: health ?? undefined, events: [] };
}
