// What the agent does about drift: watch what the last sync applied (drift-watch.ts), report each
// drifted object (status, an Event, metrics), ask for a healing sync when the policy is `heal`, and say
// `DriftHealed` once a sync has applied the object again. Reports name fields and managers, never values.
import { formatRef, refKey } from '@ferry/shared';
import { describeDrift, type DriftReport } from '../drift/index.ts';
import type { DriftSummary, GitSyncSpec } from '../gitsync/types.ts';
import type { SyncIdentity } from '../inventory/types.ts';
import type { KnownLive } from '../engine/live-index.ts';
import type { KubeApi } from '../kube/index.ts';
import type { ReconcileOutcome } from '../reconcile.ts';
import { DriftWatcher } from './drift-watch.ts';
import type { SyncEvent } from './events.ts';

export const RECENT_DRIFT_LIMIT = 10;

export type DriftOutcome = 'healed' | 'reported' | 'ignored';

export interface DriftKeeperHooks {
  readonly owner: SyncIdentity;
  readonly namespaces: readonly string[];
  readonly requestSync: () => void;
  /** Told of each drifted object once, as the summary's newest entry records it. */
  readonly recorded: (entry: DriftSummary['recent'][number]) => void;
  /** The summary changed (an object drifted, or a sync healed one): the keeper is its only writer. */
  readonly writeSummary: (summary: DriftSummary) => void;
  readonly event: (event: SyncEvent) => void;
  readonly counted: (outcome: DriftOutcome) => void;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

/** The sync applied its revision and found every object unchanged, deleting nothing. */
export function wroteNothing(report: NonNullable<ReconcileOutcome['report']>): boolean {
  return (
    report.result === 'applied' &&
    report.pruned.length === 0 &&
    report.changeSet.every((entry) => entry.action === 'unchanged')
  );
}

export interface DriftDecision {
  readonly outcome: DriftOutcome;
  /** Why, for the DriftDetected Event. */
  readonly why: string;
  /**
   * now: a sync is asked for at once; on-resume: the GitSync is suspended, and the sync that follows its
   * resumption applies the object again (DriftHealed then); no: the drift is only reported.
   */
  readonly heal: 'now' | 'on-resume' | 'no';
}

/** What the agent does about a drifted object, by the object's opt-out and the GitSync's drift mode and suspension. */
export function driftDecision(
  drift: Pick<DriftReport, 'action'>,
  spec: GitSyncSpec | undefined,
): DriftDecision {
  if (drift.action === 'ignored')
    return { outcome: 'ignored', why: 'the object opts out (ferry.dev/drift: ignore)', heal: 'no' };
  if ((spec?.drift.mode ?? 'heal') !== 'heal')
    return { outcome: 'reported', why: 'drift.mode is report', heal: 'no' };
  if (spec?.suspend === true)
    return {
      outcome: 'reported',
      why: 'the GitSync is suspended: healed when it is resumed',
      heal: 'on-resume',
    };
  return { outcome: 'healed', why: 'healing', heal: 'now' };
}

export class DriftKeeper {
  readonly #watcher: DriftWatcher;
  readonly #hooks: DriftKeeperHooks;
  #summary: DriftSummary = { detected: 0, healed: 0, lastDetectedAt: undefined, recent: [] };
  /** Drifted objects a healing sync is to apply again. */
  readonly #healing = new Map<string, DriftReport>();
  #spec: GitSyncSpec | undefined;

  constructor(kube: KubeApi, hooks: DriftKeeperHooks) {
    this.#watcher = new DriftWatcher(kube);
    this.#hooks = hooks;
  }

  get summary(): DriftSummary {
    return this.#summary;
  }

  /** Pauses drift detection for a sync; answers the live objects the watches hold, for its plan. */
  beforeSync(): KnownLive {
    this.#watcher.pause();
    return this.#watcher.known();
  }

  /** After a sync: healed objects are said so; what it applied is watched afresh. */
  async afterSync(outcome: ReconcileOutcome): Promise<void> {
    const report = outcome.report;
    this.#spec = outcome.spec ?? this.#spec;
    if (report === undefined || this.#spec === undefined || report.changeSet.length === 0) {
      // Nothing was applied (a fetch or render failure): the watch goes on from where it was.
      this.#watcher.resume();
      return;
    }
    const applied = new Set(
      report.changeSet
        .filter((e) => e.action === 'configured' || e.action === 'created')
        .map((e) => refKey(e.ref)),
    );
    const healedBefore = this.#summary.healed;
    for (const [key, drift] of this.#healing) {
      if (!applied.has(key)) continue;
      this.#healing.delete(key);
      this.#summary = { ...this.#summary, healed: this.#summary.healed + 1 };
      this.#hooks.event({
        reason: 'DriftHealed',
        type: 'Normal',
        message: `Applied Git's version again: ${describeDrift(drift)}`,
      });
    }
    if (this.#summary.healed !== healedBefore) this.#hooks.writeSummary(this.#summary);
    const refs = report.changeSet
      .filter((e) => e.action !== 'failed' && e.action !== 'skipped')
      .map((e) => e.ref);
    // A sync that found everything as Git has it wrote nothing the watches see: they go on.
    if (wroteNothing(report) && this.#watcher.keep(refs, this.#spec.drift.ignore)) return;
    await this.#watcher.restart(refs, {
      owner: this.#hooks.owner,
      ignore: this.#spec.drift.ignore,
      namespaces: this.#hooks.namespaces,
      onDrift: (drift) => {
        this.#onDrift(drift);
      },
      onError: (message, error) => {
        this.#hooks.warn(message, { error });
      },
    });
  }

  stop(): Promise<void> {
    return this.#watcher.stop();
  }

  #onDrift(drift: DriftReport): void {
    const { outcome, why, heal } = driftDecision(drift, this.#spec);
    const at = new Date().toISOString();
    const entry = {
      object: formatRef(drift.ref),
      fields: drift.fields.map((f) => `${f.path} ${f.change}`).slice(0, 10),
      managers: [...new Set(drift.fields.flatMap((f) => f.managers))].sort(),
      at,
      action: outcome,
    };
    this.#summary = {
      ...this.#summary,
      detected: this.#summary.detected + 1,
      lastDetectedAt: at,
      recent: [entry, ...this.#summary.recent].slice(0, RECENT_DRIFT_LIMIT),
    };
    this.#hooks.recorded(entry);
    this.#hooks.writeSummary(this.#summary);
    this.#hooks.counted(outcome);
    this.#hooks.event({
      reason: 'DriftDetected',
      type: 'Warning',
      message: `${describeDrift(drift)} (${why})`,
    });
    if (heal !== 'no') this.#healing.set(refKey(drift.ref), drift);
    if (heal === 'now') this.#hooks.requestSync();
  }
}
