// The agent's loop for its GitSync: one sync at a time, started by the interval (with jitter), a change
// of spec (generation), a new `ferry.dev/requested-at`, drift, or a hint; a trigger that arrives during a
// sync runs one more sync right after it (so the newest revision wins, once). Failures back off with
// jitter, from 5 s doubling up to the interval; a stalled sync waits for the interval or a change.
// After each sync: status through the status subresource, then Events, then the drift watch restarts
// (or goes on, after a sync that wrote nothing), then, when one is due, a readiness scan in the
// background (readiness-keeper.ts).
import type { KubeApi, KubeObject, ResourceInfo } from '../kube/index.ts';
import { KubeError } from '../kube/index.ts';
import { conditionsFor, EMPTY_STATUS, statusAfter, type Phase } from '../gitsync/status.ts';
import {
  GITSYNC_GROUP,
  GITSYNC_KIND,
  GITSYNC_VERSION,
  REQUESTED_AT_ANNOTATION,
  type DriftSummary,
  type GitSyncStatus,
} from '../gitsync/types.ts';
import { DEFAULT_INTERVAL_MS } from '../gitsync/parse-spec.ts';
import { DigestMemo } from '../engine/digest-memo.ts';
import { DesiredMemo } from '../engine/desired-memo.ts';
import { RenderMemo } from '../render/index.ts';
import { reconcile, type ReconcileContext, type ReconcileOutcome } from '../reconcile.ts';
import type { ReadinessReport } from '../readiness/index.ts';
import { DriftKeeper, type DriftOutcome } from './drift-keeper.ts';
import { ReadinessKeeper, type DrReadinessPatch } from './readiness-keeper.ts';
import { recordEvent, type SyncEvent } from './events.ts';
import { aborted, sleep, watchLoop, withJitter } from './watch-loop.ts';

export const TRIGGERS = ['start', 'interval', 'spec-changed', 'requested', 'drift', 'hint', 'retry'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface LoopLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface SyncLoopOptions extends Omit<
  ReconcileContext,
  'onProgress' | 'known' | 'digests' | 'renders' | 'desiredObjects'
> {
  /** The GitSync's name (in `namespace`). */
  readonly name: string;
  /** Reported as the Events' reportingInstance: the pod's name. */
  readonly identity: string;
  readonly log: LoopLog;
  /** Told after every sync (metrics, the hub), with the ISO time it started. */
  readonly onOutcome?: (outcome: ReconcileOutcome, trigger: Trigger, startedAt: string) => void;
  /** Told of every Event recorded about the GitSync, written or not (the hub). */
  readonly onEvent?: (event: SyncEvent) => void;
  /** Told of every drifted object, as the status's drift summary records it (the hub). */
  readonly onDriftRecorded?: (entry: DriftSummary['recent'][number]) => void;
  /** Told when a sync starts and ends (metrics). */
  readonly onSyncing?: (running: boolean) => void;
  /** Told of every drifted object (metrics). */
  readonly onDrift?: (outcome: DriftOutcome) => void;
  /** Told of every readiness report written to status (the hub). */
  readonly readinessReported?: (report: ReadinessReport) => void;
}

const FIRST_RETRY_MS = 5_000;

export class SyncLoop {
  readonly #kube: KubeApi;
  readonly #options: SyncLoopOptions;
  readonly #drift: DriftKeeper;
  readonly #readiness: ReadinessKeeper;
  /** Digests of the manifests of the last syncs: an unchanged revision computes none again. */
  readonly #digests = new DigestMemo();
  /** The last render and the desired objects made of it: a sync of the same commit makes neither again. */
  readonly #renders = new RenderMemo();
  readonly #desiredObjects = new DesiredMemo();
  #pending: Trigger | undefined = 'start';
  #wake: (() => void) | undefined;
  #driftToWrite: DriftSummary | undefined;
  #driftWriting = false;
  /** What the last sync started from: a GitSync seen later with the same values needs no sync. */
  readonly #handled = { uid: '', generation: -1, requestedAt: '' };

  constructor(kube: KubeApi, options: SyncLoopOptions) {
    this.#kube = kube;
    this.#options = options;
    this.#drift = new DriftKeeper(kube, {
      owner: { namespace: options.namespace, name: options.name },
      namespaces: options.watchNamespaces,
      requestSync: () => {
        this.request('drift');
      },
      recorded: (entry) => options.onDriftRecorded?.(entry),
      writeSummary: (drift) => {
        this.#writeDrift(drift);
      },
      event: (event) => void this.#event(event),
      counted: (outcome) => options.onDrift?.(outcome),
      warn: (message, fields) => {
        options.log.warn(message, fields);
      },
    });
    this.#readiness = new ReadinessKeeper(kube, {
      agentNamespace: options.namespace,
      watchNamespaces: options.watchNamespaces,
      writeStatus: (drReadiness) => this.#patchStatus({ drReadiness }),
      ...(options.readinessReported !== undefined ? { reported: options.readinessReported } : {}),
      info: (message, fields) => {
        options.log.info(message, fields);
      },
      warn: (message, fields) => {
        options.log.warn(message, fields);
      },
    });
  }

  #take(): Trigger | undefined {
    const trigger = this.#pending;
    this.#pending = undefined;
    return trigger;
  }

  /** Asks for a sync as soon as the current one (if any) ends. */
  request(trigger: Trigger): void {
    this.#pending ??= trigger;
    this.#wake?.();
  }

  /** Runs until the signal aborts; the sync under way finishes first (its writes are not cut in half). */
  async run(signal: AbortSignal): Promise<void> {
    const info = await this.#gitSyncInfo();
    const watcher = this.#watchGitSync(info, signal);
    let failures = 0;
    let intervalMs = DEFAULT_INTERVAL_MS;
    while (!signal.aborted) {
      let trigger = this.#take();
      if (trigger === undefined) {
        const retryMs = Math.min(FIRST_RETRY_MS * 2 ** Math.max(failures - 1, 0), intervalMs);
        const woke = await this.#sleepUnlessWoken(
          failures === 0 ? withJitter(intervalMs) : withJitter(retryMs, 0.2),
          signal,
        );
        if (aborted(signal)) break;
        trigger = this.#take() ?? (woke ? 'hint' : failures === 0 ? 'interval' : 'retry');
      }
      const outcome = await this.#syncOnce(trigger, signal);
      if (outcome === undefined) continue;
      intervalMs = outcome.spec?.intervalMs ?? intervalMs;
      failures = outcome.phase.kind === 'failed' && !outcome.phase.stalled ? failures + 1 : 0;
    }
    await this.#drift.stop();
    await this.#readiness.stop();
    await watcher;
  }

  async #gitSyncInfo(): Promise<ResourceInfo> {
    const info = await this.#kube.resolve(GITSYNC_GROUP, GITSYNC_VERSION, GITSYNC_KIND);
    if (info === undefined)
      throw new KubeError(
        'unknown-kind',
        `the API server does not serve ${GITSYNC_KIND} in ${GITSYNC_GROUP}/${GITSYNC_VERSION}: is the CRD installed (kubectl apply -k deploy/agent)?`,
      );
    return info;
  }

  #ref() {
    return {
      group: GITSYNC_GROUP,
      version: GITSYNC_VERSION,
      kind: GITSYNC_KIND,
      namespace: this.#options.namespace,
      name: this.#options.name,
    };
  }

  #sleepUnlessWoken(ms: number, signal: AbortSignal): Promise<boolean> {
    const controller = new AbortController();
    const stop = (): void => {
      controller.abort();
    };
    signal.addEventListener('abort', stop, { once: true });
    let woken = false;
    this.#wake = () => {
      woken = true;
      controller.abort();
    };
    return sleep(ms, controller.signal).then(() => {
      signal.removeEventListener('abort', stop);
      this.#wake = undefined;
      return woken;
    });
  }

  /** Watches the GitSync: a generation or a requested-at that no sync has started from asks for one. */
  async #watchGitSync(info: ResourceInfo, signal: AbortSignal): Promise<void> {
    const look = (object: KubeObject | undefined): void => {
      if (object === undefined) return;
      if (object.metadata.deletionTimestamp !== undefined) {
        // Being deleted: what it applied is let go (orphaned), so no more healing either.
        void this.#drift.stop();
        return;
      }
      const generation = object.metadata.generation ?? 0;
      const requestedAt = object.metadata.annotations?.[REQUESTED_AT_ANNOTATION] ?? '';
      const status = (object.status ?? {}) as Partial<GitSyncStatus>;
      // A GitSync deleted and made again starts its generations over.
      const handled = object.metadata.uid === this.#handled.uid ? this.#handled.generation : -1;
      const handledGeneration = Math.max(handled, status.observedGeneration ?? -1);
      if (generation > handledGeneration) this.request('spec-changed');
      else if (
        requestedAt !== '' &&
        requestedAt !== this.#handled.requestedAt &&
        requestedAt !== (status.lastHandledRequestedAt ?? '')
      )
        this.request('requested');
    };
    await watchLoop(
      this.#kube,
      info,
      { namespace: this.#options.namespace, fieldSelector: `metadata.name=${this.#options.name}` },
      {
        onList: (items) => {
          look(items[0]);
        },
        onEvent: (event) => {
          if (event.type !== 'DELETED') look(event.object);
          // Deleting the GitSync lets what it applied go (orphans it): no more healing.
          else void this.#drift.stop();
        },
        onError: (error) => {
          this.#options.log.warn('watching the GitSync failed; trying again', { error });
        },
      },
      signal,
    );
  }

  /**
   * Writes the drift summary, one write at a time and the newest last: two patches in flight could land
   * in either order, and an older summary must not be the one that stays.
   */
  #writeDrift(drift: DriftSummary): void {
    this.#driftToWrite = drift;
    if (this.#driftWriting) return;
    this.#driftWriting = true;
    void (async () => {
      for (let next = this.#driftToWrite; next !== undefined; next = this.#driftToWrite) {
        this.#driftToWrite = undefined;
        await this.#patchStatus({ drift: next });
      }
      this.#driftWriting = false;
    })();
  }

  async #patchStatus(
    status: Omit<Partial<GitSyncStatus>, 'drReadiness'> | { readonly drReadiness: DrReadinessPatch },
  ): Promise<boolean> {
    try {
      await this.#kube.mergePatch(this.#ref(), { status }, { subresource: 'status' });
      return true;
    } catch (error) {
      this.#options.log.warn('writing the GitSync status failed', { error });
      return false;
    }
  }

  async #event(event: SyncEvent): Promise<void> {
    this.#options.onEvent?.(event);
    const gitSync = await this.#kube.get(this.#ref()).catch(() => undefined);
    if (gitSync !== undefined) await recordEvent(this.#kube, gitSync, event, this.#options.identity);
  }

  async #syncOnce(trigger: Trigger, signal: AbortSignal): Promise<ReconcileOutcome | undefined> {
    const { log } = this.#options;
    const gitSync = await this.#kube.get(this.#ref()).catch((error: unknown) => {
      log.warn('reading the GitSync failed', { error });
      return undefined;
    });
    if (gitSync === undefined) {
      log.warn(`GitSync ${this.#options.namespace}/${this.#options.name} not found; waiting for it`);
      return undefined;
    }
    const generation = gitSync.metadata.generation ?? 0;
    const requestedAt = gitSync.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
    if (gitSync.metadata.deletionTimestamp !== undefined) {
      log.info('the GitSync is being deleted: no sync, what it applied stays');
      return undefined;
    }
    // A trigger seen before the sync that already covered it (the watch's first list races the start).
    const same = gitSync.metadata.uid === this.#handled.uid;
    if (
      same &&
      ((trigger === 'spec-changed' && generation <= this.#handled.generation) ||
        (trigger === 'requested' && (requestedAt ?? '') === this.#handled.requestedAt))
    )
      return undefined;
    this.#handled.uid = gitSync.metadata.uid ?? '';
    this.#handled.generation = generation;
    this.#handled.requestedAt = requestedAt ?? '';
    let status: GitSyncStatus = {
      ...EMPTY_STATUS,
      ...(gitSync.status as Partial<GitSyncStatus> | undefined),
    };
    const setPhase = async (phase: Phase): Promise<void> => {
      const conditions = conditionsFor(status.conditions, phase, generation, new Date().toISOString());
      if (await this.#patchStatus({ conditions })) status = { ...status, conditions };
    };

    const known = this.#drift.beforeSync();
    const startedAt = new Date().toISOString();
    log.info('sync started', { trigger, generation });
    let outcome: ReconcileOutcome;
    this.#options.onSyncing?.(true);
    try {
      outcome = await reconcile(this.#kube, gitSync, {
        digests: this.#digests,
        renders: this.#renders,
        desiredObjects: this.#desiredObjects,
        ...this.#options,
        known,
        signal,
        onProgress: setPhase,
      });
    } catch (error) {
      // A bug or an API server that went away mid-sync: reported as a failure, retried with backoff.
      const message = error instanceof Error ? error.message : String(error);
      outcome = {
        phase: { kind: 'failed', reason: 'ApplyFailed', message, stalled: false },
        spec: undefined,
        report: undefined,
        health: undefined,
        events: [{ reason: 'SyncFailed', type: 'Warning', message }],
      };
    } finally {
      this.#options.onSyncing?.(false);
    }
    // Discovery is kept between syncs; after a failure (a kind gone, a scope changed) it is asked afresh.
    if (outcome.phase.kind === 'failed') this.#kube.invalidateDiscovery();
    await this.#patchStatus(statusAfter(status, outcome, generation, requestedAt, startedAt));
    for (const event of outcome.events) {
      this.#options.onEvent?.(event);
      await recordEvent(this.#kube, gitSync, event, this.#options.identity);
    }
    if (!signal.aborted) await this.#drift.afterSync(outcome);
    const report = outcome.report;
    const fields = {
      trigger,
      result: report?.result,
      revision: report?.revision,
      phase: outcome.phase.kind,
      durationMs: report?.durationMs,
    };
    if (outcome.phase.kind === 'failed')
      log.warn(`sync failed: ${outcome.phase.message}`, { ...fields, reason: outcome.phase.reason });
    else if (outcome.phase.kind === 'waiting-health')
      log.info(`sync stopped before health was judged: ${outcome.phase.message}`, fields);
    else log.info('sync done', fields);
    this.#options.onOutcome?.(outcome, trigger, startedAt);
    this.#readiness.afterSync(outcome, signal);
    return outcome;
  }
}
