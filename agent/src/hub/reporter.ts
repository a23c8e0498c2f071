// What the agent tells the hub, gathered from the sync loop's hooks whether or not the hub is there:
// one syncReport per sync, drifts, Events, and the resource state (kept in memory, sent as a full
// snapshot when the hub asks and as deltas on it after that). Nothing here waits on the hub: hooks
// queue and return, so losing the hub never slows a sync. The session takes frames from `outbox`.
import { refKey, SILENT_LOGGER, type Logger, type ObjectRef } from '@ferry/shared';
import { chunkSnapshot } from '@ferry/shared/protocol';
import type { ReadinessReport } from '../readiness/types.ts';
import type { GitSyncSpec } from '../gitsync/types.ts';
import type { ReconcileOutcome } from '../reconcile.ts';
import type { SyncEvent } from '../runtime/events.ts';
import { deltaBodies } from './delta.ts';
import { driftBodyOf, eventBodyOf, refOfEntry, type DriftEntry } from './drift-event.ts';
import { Outbox, type OutboxOptions } from './outbox.ts';
import {
  diffStates,
  digestOf,
  listState,
  stateAfterDrift,
  stateAfterSync,
  type ObjectHealthLike,
  type ResourceState,
} from './resource-state.ts';
import { syncReportOf } from './sync-report.ts';

/**
 * Named by a delta when the agent does not know which snapshot the hub holds (a new process whose
 * state the hub already had, so it asked for none): no snapshot has this id, so the hub answers with
 * snapshotRequest, and the full snapshot that follows sets things straight.
 */
export const UNKNOWN_SNAPSHOT_ID = 'unknown';

export interface ReporterOptions {
  /** This process's epoch (a UUID): sync and snapshot ids are made from it, so they are unique. */
  readonly epoch: string;
  /** Judges each object's health when a sync's rollup is not Current (engine/wait-healthy.ts assessObjects). */
  readonly assess?: (refs: readonly ObjectRef[]) => Promise<readonly ObjectHealthLike[]>;
  readonly log?: Logger;
  readonly outbox?: OutboxOptions;
  readonly now?: () => Date;
}

export class HubReporter {
  readonly outbox: Outbox;
  readonly #options: ReporterOptions;
  readonly #log: Logger;
  #state: ResourceState | undefined;
  #spec: GitSyncSpec | undefined;
  /** The state sent in the last hello of this connection. */
  #helloState: ResourceState | undefined;
  /** What the hub holds, as far as this connection knows; deltas go against it. */
  #base: { readonly id: string; readonly state: ResourceState } | undefined;
  /** The last snapshot sent in full in this process: the hub holds it unless told otherwise. */
  #knownSnapshotId: string | undefined;
  #maxFrameBytes: number | undefined;
  #snapshotWanted = false;
  #syncs = 0;
  #snapshots = 0;
  #chain: Promise<void> = Promise.resolve();
  #listener: (() => void) | undefined;

  constructor(options: ReporterOptions) {
    this.#options = options;
    this.#log = options.log ?? SILENT_LOGGER;
    this.outbox = new Outbox(options.outbox);
  }

  /** The current resource state; undefined before the first sync that reached any object. */
  get state(): ResourceState | undefined {
    return this.#state;
  }

  /** The GitSync spec of the last sync that had a valid one (the hello's source). */
  get spec(): GitSyncSpec | undefined {
    return this.#spec;
  }

  /** Called whenever there is something new to send (the session pumps its outbox). */
  set listener(listener: (() => void) | undefined) {
    this.#listener = listener;
  }

  /** Resolves once every state change queued so far is applied (tests, and a clean stop). */
  settled(): Promise<void> {
    return this.#chain;
  }

  // Hooks of the sync loop.

  syncDone(outcome: ReconcileOutcome, startedAt: Date): void {
    const now = this.#now();
    this.#spec = outcome.spec ?? this.#spec;
    const syncId = `${this.#options.epoch}.${++this.#syncs}`;
    const body = syncReportOf(outcome, syncId, { startedAt, finishedAt: now });
    if (body !== undefined) this.outbox.push({ type: 'syncReport', body });
    this.#notify();
    this.#then(async () => {
      const health = outcome.health;
      const refs = (outcome.report?.changeSet ?? [])
        .filter((entry) => entry.action !== 'failed' && entry.action !== 'skipped')
        .map((entry) => entry.ref);
      let healths: readonly ObjectHealthLike[] = [];
      if (health !== undefined && health.status !== 'Current' && refs.length > 0 && this.#options.assess)
        healths = await this.#options.assess(refs).catch((error: unknown) => {
          this.#log.warn('judging object health for the hub failed', { error });
          return [];
        });
      this.#state = stateAfterSync(this.#state, outcome, healths);
    });
  }

  eventRecorded(event: SyncEvent, at: Date = this.#now()): void {
    this.outbox.push({ type: 'event', body: eventBodyOf(event, at) });
    this.#notify();
  }

  /** The DR readiness scan's report: sent as it is (bounded by the scan, as the protocol bounds it). */
  readinessReported(report: ReadinessReport): void {
    this.outbox.push({
      type: 'readiness',
      body: {
        scannedAt: report.scannedAt,
        rebuildable: report.rebuildable,
        total: report.total,
        notInGit: { count: report.notInGit.count, items: [...report.notInGit.items] },
        data: { count: report.data.count, items: [...report.data.items] },
        unknownKinds: [...report.unknownKinds],
      },
    });
    this.#notify();
  }

  driftRecorded(entry: DriftEntry): void {
    this.#then(() => {
      const ref = refOfEntry(entry, this.#state);
      if (ref === undefined || this.#state === undefined) {
        this.#log.debug('drift of an object the reported state does not hold: not sent', {
          object: entry.object,
        });
        return Promise.resolve();
      }
      this.outbox.push({ type: 'drift', body: driftBodyOf(entry, ref) });
      // As the hub keeps it: a drift being healed is not a drift for long; one only reported stays.
      this.#state = stateAfterDrift(this.#state, refKey(ref), entry.action !== 'healed');
      return Promise.resolve();
    });
  }

  // The session's side.

  /** A hello goes out: its digest is the current state's, and that state is what the hub may hold. */
  helloDigest(): string | undefined {
    this.#helloState = this.#state;
    return this.#state === undefined ? undefined : digestOf(this.#state);
  }

  /** The hub welcomed the hello; deltas may go once it is known what the hub holds. */
  welcomed(maxFrameBytes: number): void {
    this.#maxFrameBytes = maxFrameBytes;
    this.#base =
      this.#helloState === undefined
        ? undefined
        : { id: this.#knownSnapshotId ?? UNKNOWN_SNAPSHOT_ID, state: this.#helloState };
    this.#publish();
  }

  /** The hub's copy differs (or it has none): a full snapshot now, or after the first sync if none ran yet. */
  snapshotRequested(): void {
    this.#snapshotWanted = true;
    this.#publish();
  }

  disconnected(): void {
    this.#maxFrameBytes = undefined;
    this.#base = undefined;
    this.#helloState = undefined;
    this.#snapshotWanted = false;
  }

  #then(step: () => Promise<void>): void {
    this.#chain = this.#chain
      .then(step)
      .catch((error: unknown) => {
        this.#log.warn('updating the state reported to the hub failed', { error });
      })
      .then(() => {
        this.#publish();
      });
  }

  /** Sends what the hub lacks: a snapshot it asked for, or a delta on what it holds. */
  #publish(): void {
    const state = this.#state;
    const maxFrameBytes = this.#maxFrameBytes;
    if (state === undefined || maxFrameBytes === undefined) return;
    try {
      if (this.#snapshotWanted) {
        const id = `${this.#options.epoch}.snap${++this.#snapshots}`;
        this.outbox.replaceSnapshot(chunkSnapshot(listState(state), maxFrameBytes, id));
        this.#knownSnapshotId = id;
        this.#base = { id, state };
        this.#snapshotWanted = false;
      } else if (this.#base !== undefined && this.#base.state !== state) {
        const diff = diffStates(this.#base.state, state);
        for (const body of deltaBodies(this.#base.id, diff, digestOf(state), maxFrameBytes))
          this.outbox.push({ type: 'delta', body });
        this.#base = { id: this.#base.id, state };
      }
    } catch (error) {
      // A resource too large for any frame: a bug in the bounds, not a reason to stop reporting.
      this.#log.error('the resource state could not be put in frames for the hub', { error });
      return;
    }
    this.#notify();
  }

  #notify(): void {
    this.#listener?.();
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
