// Between syncs, the agent watches what it owns: one watch per kind in the last sync's set (label-
// selected on the ownership labels; per namespace under the namespace-scoped RBAC profile). The first
// list gives each object's baseline, as Ferry's apply left it; each later version is compared with it
// (drift/detect-drift.ts). A drifted object is reported once until the next sync; one that is not
// drifted becomes the new baseline. Paused while a sync writes, since Ferry's own writes are not drift.
// After a sync that wrote none of the watched objects, the watches go on (keep) rather than listing
// everything again: what arrived while paused is compared then.
// The baselines double as a cache of the live objects for the next sync's plan (`known`): a watch that
// has listed and not failed since holds each object as its last event left it.
import { refKey, type ObjectRef } from '@ferry/shared';
import { detectDrift, type DriftReport } from '../drift/index.ts';
import type { IgnoreRule } from '../gitsync/types.ts';
import { ownerSelector, type SyncIdentity } from '../inventory/types.ts';
import type { KnownLive } from '../engine/live-index.ts';
import { refOf, type KubeApi, type KubeObject, type ResourceInfo } from '../kube/index.ts';
import { watchLoop } from './watch-loop.ts';

export interface DriftWatchOptions {
  readonly owner: SyncIdentity;
  readonly ignore: readonly IgnoreRule[];
  /** Namespace-scoped RBAC profile: watch in these namespaces only. Empty: cluster-wide. */
  readonly namespaces: readonly string[];
  readonly onDrift: (report: DriftReport) => void;
  readonly onError: (message: string, error: unknown) => void;
}

interface Watched {
  readonly info: ResourceInfo;
  readonly namespace: string | undefined;
  readonly refs: readonly ObjectRef[];
}

export class DriftWatcher {
  readonly #kube: KubeApi;
  #controller: AbortController | undefined;
  #running: Promise<unknown> | undefined;
  readonly #baselines = new Map<string, KubeObject>();
  readonly #reported = new Set<string>();
  /** The newest version of each watched object seen while paused (undefined: deleted). */
  readonly #whilePaused = new Map<string, { ref: ObjectRef; live: KubeObject | undefined }>();
  /** The watch of each watched object, by refKey. */
  readonly #watchOf = new Map<string, Watched>();
  /** Watches that have listed and not failed since: their objects are as the API server has them. */
  readonly #current = new Set<Watched>();
  /** What the running watches were started for: the refs' keys and the ignore rules. */
  #started: { readonly keys: ReadonlySet<string>; readonly options: DriftWatchOptions } | undefined;
  #paused = false;

  constructor(kube: KubeApi) {
    this.#kube = kube;
  }

  /** While a sync writes: events are not compared (the restart after it lists everything again). */
  pause(): void {
    this.#paused = true;
  }

  /** Compares again after a sync that wrote nothing. */
  resume(): void {
    this.#paused = false;
    this.#whilePaused.clear();
  }

  /**
   * After a sync that wrote none of the watched objects and found each of `refs` as Git has it: the
   * watches go on with their baselines, and what changed while paused is compared now. False (nothing
   * done) when the watches must be restarted instead: they are not running, they watch other objects
   * or with other ignore rules, or a drift was reported since they started (a restart re-baselines it).
   */
  keep(refs: readonly ObjectRef[], ignore: readonly IgnoreRule[]): boolean {
    const started = this.#started;
    if (
      started === undefined ||
      this.#controller === undefined ||
      this.#controller.signal.aborted ||
      this.#reported.size > 0 ||
      JSON.stringify(started.options.ignore) !== JSON.stringify(ignore)
    )
      return false;
    const keys = new Set(refs.map(refKey));
    if (keys.size !== started.keys.size || [...keys].some((key) => !started.keys.has(key))) return false;
    this.#paused = false;
    const missed = [...this.#whilePaused.values()];
    this.#whilePaused.clear();
    for (const { ref, live } of missed) this.#compare(ref, live, started.options);
    return true;
  }

  /**
   * The watched objects as last seen, for a sync's plan: each as its watch's last event left it (or as
   * it arrived while paused). An object is not vouched for when its watch has not listed yet or failed
   * since (its events may be missing), when it was deleted, or when a drift of it was reported (its
   * baseline is then what Ferry applied, not what is live).
   */
  known(): KnownLive {
    return {
      get: (ref) => {
        const key = refKey(ref);
        const watched = this.#watchOf.get(key);
        if (watched === undefined || !this.#current.has(watched) || this.#reported.has(key)) return undefined;
        const missed = this.#whilePaused.get(key);
        return missed !== undefined ? missed.live : this.#baselines.get(key);
      },
    };
  }

  /** Watches `refs` (what the last sync applied), with fresh baselines. */
  async restart(refs: readonly ObjectRef[], options: DriftWatchOptions): Promise<void> {
    await this.stop();
    this.#baselines.clear();
    this.#reported.clear();
    this.#whilePaused.clear();
    this.#watchOf.clear();
    this.#current.clear();
    this.#paused = false;
    const controller = new AbortController();
    this.#controller = controller;
    const watched = await this.#plan(refs, options);
    for (const w of watched) for (const ref of w.refs) this.#watchOf.set(refKey(ref), w);
    this.#started = { keys: new Set(this.#watchOf.keys()), options };
    this.#running = Promise.all(
      watched.map((w) =>
        watchLoop(
          this.#kube,
          w.info,
          {
            labelSelector: ownerSelector(options.owner),
            ...(w.namespace !== undefined ? { namespace: w.namespace } : {}),
          },
          {
            onList: (items) => {
              this.#onList(w, items, options);
              this.#current.add(w);
            },
            onEvent: (event) => {
              // Events again after a failure: the watch resumed from its last version, so none was missed.
              this.#current.add(w);
              this.#compare(
                refOf(event.object),
                event.type === 'DELETED' ? undefined : event.object,
                options,
              );
            },
            onError: (error) => {
              this.#current.delete(w);
              options.onError(
                `watching ${w.info.kind}${w.namespace !== undefined ? ` in ${w.namespace}` : ''} failed`,
                error,
              );
            },
          },
          controller.signal,
        ),
      ),
    );
  }

  async stop(): Promise<void> {
    this.#controller?.abort();
    this.#current.clear();
    await this.#running;
    this.#controller = undefined;
    this.#running = undefined;
    this.#started = undefined;
  }

  async #plan(refs: readonly ObjectRef[], options: DriftWatchOptions): Promise<Watched[]> {
    const byKind = new Map<string, ObjectRef[]>();
    for (const ref of refs) {
      const key = `${ref.group}/${ref.version}/${ref.kind}`;
      byKind.set(key, [...(byKind.get(key) ?? []), ref]);
    }
    const watched: Watched[] = [];
    for (const kindRefs of byKind.values()) {
      const first = kindRefs[0];
      if (first === undefined) continue;
      const info = await this.#kube.resolve(first.group, first.version, first.kind);
      if (info === undefined) continue;
      if (options.namespaces.length === 0 || !info.namespaced)
        watched.push({ info, namespace: undefined, refs: kindRefs });
      else
        for (const namespace of options.namespaces)
          watched.push({ info, namespace, refs: kindRefs.filter((ref) => ref.namespace === namespace) });
    }
    return watched.filter((w) => w.refs.length > 0);
  }

  /** A (re)list: baselines for what is there; what should be there and is not was deleted. */
  #onList(watched: Watched, items: readonly KubeObject[], options: DriftWatchOptions): void {
    const listed = new Map(items.map((item) => [refKey(refOf(item)), item]));
    for (const ref of watched.refs) {
      const key = refKey(ref);
      const live = listed.get(key);
      if (!this.#baselines.has(key)) {
        if (live !== undefined) this.#baselines.set(key, live);
        else this.#report({ ref, kind: 'deleted', fields: [], action: 'heal' }, options);
        continue;
      }
      this.#compare(ref, live, options);
    }
  }

  #compare(ref: ObjectRef, live: KubeObject | undefined, options: DriftWatchOptions): void {
    const key = refKey(ref);
    const baseline = this.#baselines.get(key);
    if (baseline === undefined) return; // not one of the last sync's objects
    if (this.#paused) {
      this.#whilePaused.set(key, { ref, live });
      return;
    }
    const report = detectDrift({ baseline, live, ref, ignore: options.ignore });
    if (report === undefined) {
      if (live !== undefined) this.#baselines.set(key, live);
      return;
    }
    this.#report(report, options);
  }

  #report(report: DriftReport, options: DriftWatchOptions): void {
    const key = refKey(report.ref);
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    options.onDrift(report);
  }
}
