// The readiness scan in the agent's loop: after a sync that applied its revision (and wrote its status),
// when a scan is due (readiness/due.ts), scan in the background, one scan at a time, and write the
// report to the GitSync's status as `drReadiness`. The sync never waits for it and never fails on it: a
// scan that fails writes its error beside the last report, and is tried again when the next is due.
import type { ObjectRef } from '@ferry/shared';
import type { DrReadinessStatus } from '../gitsync/types.ts';
import type { KubeApi } from '../kube/index.ts';
import {
  DEFAULT_SCAN_CONCURRENCY,
  inventoryDigest,
  scanDue,
  scanReadiness,
  summarizeReadiness,
  type LastScan,
  type ReadinessReport,
} from '../readiness/index.ts';
import type { ReconcileOutcome } from '../reconcile.ts';

/** A merge patch of `status.drReadiness`: a field set to null is removed. */
export type DrReadinessPatch = {
  readonly [K in keyof DrReadinessStatus]?: NonNullable<DrReadinessStatus[K]> | null;
};

export interface ReadinessKeeperHooks {
  readonly agentNamespace: string;
  readonly watchNamespaces: readonly string[];
  /** Writes `status.drReadiness` (a merge patch: fields left out stay; null removes one). */
  readonly writeStatus: (drReadiness: DrReadinessPatch) => Promise<boolean>;
  readonly reported?: (report: ReadinessReport) => void;
  readonly info: (message: string, fields: Record<string, unknown>) => void;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  readonly now?: () => number;
}

export class ReadinessKeeper {
  readonly #kube: KubeApi;
  readonly #hooks: ReadinessKeeperHooks;
  #last: LastScan | undefined;
  #running: Promise<void> | undefined;

  constructor(kube: KubeApi, hooks: ReadinessKeeperHooks) {
    this.#kube = kube;
    this.#hooks = hooks;
  }

  /** Starts a scan when one is due after this sync; returns at once. */
  afterSync(outcome: ReconcileOutcome, signal: AbortSignal): void {
    const report = outcome.report;
    if (report?.result !== 'applied' || outcome.spec === undefined || signal.aborted) return;
    if (this.#running !== undefined) return;
    const managed = report.changeSet.filter((entry) => entry.action !== 'failed').map((entry) => entry.ref);
    const targetNamespace = outcome.spec.targetNamespace;
    const inventory = inventoryDigest(managed, targetNamespace);
    const now = this.#hooks.now?.() ?? Date.now();
    if (!scanDue(this.#last, inventory, now)) return;
    // Counted as a scan from its start: one that fails is tried again when the next is due, not at once.
    this.#last = { at: now, inventory };
    this.#running = this.#scan(managed, targetNamespace, signal).finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits for the scan under way (the agent stopping aborts its signal first). */
  async stop(): Promise<void> {
    await this.#running;
  }

  async #scan(managed: readonly ObjectRef[], targetNamespace: string, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    try {
      const { report, requests, failures } = await scanReadiness(this.#kube, {
        managed,
        targetNamespace,
        agentNamespace: this.#hooks.agentNamespace,
        watchNamespaces: this.#hooks.watchNamespaces,
        concurrency: DEFAULT_SCAN_CONCURRENCY,
        signal,
      });
      const summary = summarizeReadiness(report);
      await this.#hooks.writeStatus({ ...summary, error: null, failedAt: null });
      this.#hooks.info(`dr readiness: ${summary.message}`, {
        requests,
        durationMs: Date.now() - started,
        namespaces: report.namespaces.length,
        ...(failures.length > 0 ? { failures } : {}),
      });
      try {
        this.#hooks.reported?.(report);
      } catch (error) {
        this.#hooks.warn('passing the dr readiness report on failed', { error });
      }
    } catch (error) {
      if (signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      this.#hooks.warn('the dr readiness scan failed; the last report stays', { error });
      await this.#hooks.writeStatus({
        error: message.slice(0, 1024),
        failedAt: new Date(this.#hooks.now?.() ?? Date.now()).toISOString(),
      });
    }
  }
}
