// One reconcile of a GitSync, top to bottom: read the spec → credentials → sync (fetch, render, plan,
// apply in stages, prune; sync.ts) → health of what Git holds → the outcome (phase for the conditions,
// a history record, events). Returns data; the loop writes status and events and decides when to run next.
import { formatRef, refKey } from '@ferry/shared';
import type { Health } from '@ferry/shared';
import { DEFAULT_APPLY_REVISION_OPTIONS } from './engine/apply-revision.ts';
import type { DesiredMemo } from './engine/desired-memo.ts';
import type { DigestMemo } from './engine/digest-memo.ts';
import type { KnownLive } from './engine/live-index.ts';
import { readGitCredentials } from './git-credentials.ts';
import { parseGitSyncSpec } from './gitsync/parse-spec.ts';
import { failureMessage, phaseOf, type Phase } from './gitsync/status.ts';
import type { GitSyncSpec } from './gitsync/types.ts';
import { waitHealthy } from './engine/wait-healthy.ts';
import type { KubeApi, KubeObject } from './kube/index.ts';
import { protectedRefs } from './protected.ts';
import { DEFAULT_RENDER_OPTIONS, type ParseCache, type RenderMemo } from './render/index.ts';
import { DEFAULT_FETCH_SOURCE_OPTIONS, SourceError } from './source/index.ts';
import type { SyncEvent } from './runtime/events.ts';
import { syncOnce, type SyncReport } from './sync.ts';

export interface ReconcileContext {
  /** The agent's namespace: the GitSync, its credentials and the inventory live there. */
  readonly namespace: string;
  readonly cacheDir: string;
  readonly parseCache: ParseCache;
  /** Manifest digests kept between syncs. */
  readonly digests?: DigestMemo;
  /** The last render and the desired objects made of it, kept between syncs. */
  readonly renders?: RenderMemo;
  readonly desiredObjects?: DesiredMemo;
  /** Namespace-scoped RBAC profile: the only namespaces the agent may list. Empty: cluster-wide. */
  readonly watchNamespaces: readonly string[];
  /** How long applied objects may take to become healthy before the sync is failed. */
  readonly healthTimeoutMs: number;
  /** The agent stopping (SIGTERM): health waits give up, and the outcome says the sync was abandoned. */
  readonly signal?: AbortSignal;
  /** Live objects the drift watches hold: the plan does not read them again. */
  readonly known?: KnownLive;
  /** Told when the sync starts, so that status can say Reconciling while it runs. */
  readonly onProgress?: (phase: Phase) => Promise<void>;
}

export interface ReconcileOutcome {
  readonly phase: Phase;
  readonly spec: GitSyncSpec | undefined;
  readonly report: SyncReport | undefined;
  readonly health: Health | undefined;
  readonly events: readonly SyncEvent[];
}

export async function reconcile(
  kube: KubeApi,
  gitSync: KubeObject,
  context: ReconcileContext,
): Promise<ReconcileOutcome> {
  const none = { spec: undefined, report: undefined, health: undefined } as const;
  // 1. The spec, checked field by field.
  const parsed = parseGitSyncSpec(gitSync.spec, gitSync.metadata.annotations);
  if (!parsed.ok) {
    const message = parsed.errors.join('; ');
    return {
      ...none,
      phase: { kind: 'failed', reason: 'InvalidSpec', message, stalled: true },
      events: [{ reason: 'InvalidSpec', type: 'Warning', message }],
    };
  }
  const spec = parsed.spec;
  if (spec.suspend) return { ...none, spec, phase: { kind: 'suspended' }, events: [] };

  // 2. Credentials, from a Secret beside the GitSync.
  let credentials = {};
  if (spec.credentialsSecret !== undefined) {
    try {
      credentials = await readGitCredentials(kube, context.namespace, spec.credentialsSecret);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      return {
        ...none,
        spec,
        phase: { kind: 'failed', reason: 'FetchFailed', message: error.message, stalled: false },
        events: [{ reason: 'SyncFailed', type: 'Warning', message: error.message }],
      };
    }
  }
  await context.onProgress?.({
    kind: 'syncing',
    message: `Syncing ${spec.repo} ${spec.path === '' ? '' : `path ${spec.path} `}at ${spec.ref.kind} ${'name' in spec.ref ? spec.ref.name : 'range' in spec.ref ? spec.ref.range : spec.ref.sha}`,
  });

  // 3. Sync: fetch → render → plan → apply in stages → prune.
  const owner = { namespace: gitSync.metadata.namespace ?? context.namespace, name: gitSync.metadata.name };
  // What the plan found unchanged, as it read it: the health check below need not read it again.
  const unchanged = new Map<string, KubeObject>();
  const report = await syncOnce(kube, {
    source: { url: spec.repo, ref: spec.ref, path: spec.path, auth: { kind: 'none' }, ...credentials },
    fetch: { ...DEFAULT_FETCH_SOURCE_OPTIONS, cacheDir: context.cacheDir },
    render: { ...DEFAULT_RENDER_OPTIONS, targetNamespace: spec.targetNamespace },
    parseCache: context.parseCache,
    ...(context.digests !== undefined ? { digests: context.digests } : {}),
    ...(context.renders !== undefined ? { renders: context.renders } : {}),
    ...(context.desiredObjects !== undefined ? { desiredObjects: context.desiredObjects } : {}),
    apply: {
      ...DEFAULT_APPLY_REVISION_OPTIONS,
      ignore: spec.drift.ignore,
      namespaces: context.watchNamespaces,
      waveHealthTimeoutMs: context.healthTimeoutMs,
      onUnchanged: (ref, live) => {
        unchanged.set(refKey(ref), live);
      },
      ...(context.signal !== undefined ? { signal: context.signal } : {}),
      ...(context.known !== undefined ? { known: context.known } : {}),
    },
    owner,
    inventory: { namespace: context.namespace, name: `${owner.name}-inventory` },
    prune: spec.prune,
    protectedRefs: protectedRefs(context.namespace),
    ensureNamespace: false,
  });
  const events = eventsOf(report);
  if (report.result !== 'applied') return { spec, report, health: undefined, phase: phaseOf(report), events };

  // 4. Health of everything Git holds, rolled up worst-first; the sync is Ready when it is Current.
  const refs = report.changeSet.filter((entry) => entry.action !== 'failed').map((entry) => entry.ref);
  await context.onProgress?.({
    kind: 'waiting-health',
    message: `Applied revision ${report.revision ?? ''}; waiting for ${refs.length} object(s) to be healthy`,
  });
  const health = await waitHealthy(kube, refs, context.healthTimeoutMs, context.signal, {
    owner,
    namespaces: context.watchNamespaces,
    known: unchanged,
  });
  if (health.status === 'Current') return { spec, report, health, phase: phaseOf(report), events };
  if (context.signal?.aborted === true) {
    // Written, not yet judged: the next agent syncs again and judges.
    const message = `Applied revision ${report.revision ?? ''}; ${health.message}`;
    return { spec, report, health, phase: { kind: 'waiting-health', message }, events };
  }
  const message = `Applied revision ${report.revision ?? ''}, but not healthy: ${health.message}`;
  return {
    spec,
    report,
    health,
    phase: { kind: 'failed', reason: 'HealthCheckFailed', message, stalled: health.status === 'Failed' },
    events: [...events, { reason: 'SyncFailed', type: 'Warning', message }],
  };
}

function eventsOf(report: SyncReport): SyncEvent[] {
  const events: SyncEvent[] = [];
  if (report.history === 'rewritten')
    events.push({
      reason: 'HistoryRewritten',
      type: 'Warning',
      message: `The history of the followed ref was rewritten (force-push); now at ${report.revision ?? 'unknown'}`,
    });
  const changed = report.changeSet.filter((e) => e.action === 'created' || e.action === 'configured');
  if (report.result === 'applied' && changed.length > 0) {
    const names = changed.slice(0, 10).map((e) => `${formatRef(e.ref)} ${e.action}`);
    events.push({
      reason: 'Applied',
      type: 'Normal',
      message: `Revision ${report.revision ?? ''}: ${names.join(', ')}${changed.length > 10 ? `, and ${changed.length - 10} more` : ''}`,
    });
  }
  const deleted = report.pruned.filter((e) => e.action === 'deleted');
  if (deleted.length > 0)
    events.push({
      reason: 'Pruned',
      type: 'Normal',
      message: `Deleted, no longer in Git: ${deleted
        .slice(0, 10)
        .map((e) => formatRef(e.ref))
        .join(', ')}${deleted.length > 10 ? `, and ${deleted.length - 10} more` : ''}`,
    });
  if (report.result === 'prune-blocked')
    events.push({
      reason:
        report.prune?.kind === 'blocked' && report.prune.guard === 'deletion-budget'
          ? 'DeletionBudgetHit'
          : 'SyncFailed',
      type: 'Warning',
      message: failureMessage(report),
    });
  else if (report.result === 'failed')
    events.push({ reason: 'SyncFailed', type: 'Warning', message: failureMessage(report) });
  return events;
}
