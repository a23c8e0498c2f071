// The apply verb: validate with server-side dry-runs, then apply stage by stage.
//
// Before anything is written, every object whose kind and namespace already exist is dry-run; if any
// fails, nothing is written and every failure is listed. An object whose namespace or kind is created by
// this revision (a Namespace or a CRD of the same revision) is applied without a dry-run when its stage
// comes: it cannot exist yet, and by the time it can be checked the revision is already partly written
// (its namespace or CRD), so a stage-wide dry-run buys no atomicity the revision still has; the apply
// validates it just as the dry-run would, and skipping the dry-run halves the writes on a fresh cluster.
// Unchanged objects are never written.
import { formatRef, type ObjectRef } from '@ferry/shared';
import type { IgnoreRule } from '../gitsync/types.ts';
import type { KubeApi, KubeObject } from '../kube/index.ts';
import { mapLimit } from '../concurrency.ts';
import { pollUntil } from '../poll.ts';
import type { DesiredObject, DesiredSet } from './desired.ts';
import { applyOne } from './apply-one.ts';
import { indexOwned, type KnownLive, type WantedObject } from './live-index.ts';
import { dryRun, type Planned } from './dry-run.ts';
import { orderStages } from './stages.ts';
import type { ChangeSetEntry } from './types.ts';
import { waitHealthy } from './wait-healthy.ts';
import { waitReady } from './wait-ready.ts';

function wanted(desired: DesiredSet): WantedObject[] {
  return desired.objects.flatMap(({ ref, info }) => (info === undefined ? [] : [{ ref, info }]));
}

export interface ApplyRevisionOptions {
  /** Plan only: dry-runs, no writes. */
  readonly dryRun: boolean;
  readonly concurrency: number;
  /** How long CRDs may take to be Established and Namespaces to be Active. */
  readonly readyTimeoutMs: number;
  /** Fields left to others on objects that exist (spec.drift.ignore): not applied, not owned. */
  readonly ignore?: readonly IgnoreRule[];
  /** Namespace-scoped RBAC profile: the only namespaces the agent may list. Empty or absent: cluster-wide. */
  readonly namespaces?: readonly string[];
  /**
   * Health-gated waves (the agent): a wave starts only once the previous one is healthy, waiting at most
   * this long. Absent: a wave starts once the previous one is applied (`sync --once`).
   */
  readonly waveHealthTimeoutMs?: number;
  /** The agent stopping: health waits give up at once (what was written stays written). */
  readonly signal?: AbortSignal;
  /**
   * Told of each object the plan found unchanged, with the live object it was compared with (the
   * agent's health check then need not read it again).
   */
  readonly onUnchanged?: (ref: ObjectRef, live: KubeObject) => void;
  /** Live objects the agent's drift watches hold: not read again. */
  readonly known?: KnownLive;
}

export const DEFAULT_APPLY_REVISION_OPTIONS: ApplyRevisionOptions = {
  dryRun: false,
  concurrency: 16,
  readyTimeoutMs: 60_000,
};

export interface ApplyRevisionResult {
  readonly changeSet: readonly ChangeSetEntry[];
  /** Set when the revision was not fully applied: which step failed and why. */
  readonly failure: { readonly step: 'plan' | 'apply'; readonly message: string } | undefined;
}

const ignoreOf = (options: ApplyRevisionOptions): { ignore?: readonly IgnoreRule[] } =>
  options.ignore !== undefined ? { ignore: options.ignore } : {};

const entryOf = (planned: Planned): ChangeSetEntry =>
  planned.action === 'failed'
    ? { ref: planned.object.ref, action: 'failed', source: planned.object.source, message: planned.message }
    : {
        ref: planned.object.ref,
        action: planned.action,
        source: planned.object.source,
        ...(planned.diff !== undefined && planned.action !== 'unchanged' ? { diff: planned.diff } : {}),
      };

/** An object that cannot exist yet, planned without a dry-run: its apply validates it. */
const toCreate = (object: DesiredObject): Planned => ({
  object,
  action: 'created',
  live: undefined,
  manifest: object.manifest,
});

function namespacesOf(objects: readonly DesiredObject[]): string[] {
  return [
    ...new Set(
      objects
        .filter((o) => o.info?.namespaced !== false && o.ref.namespace !== '')
        .map((o) => o.ref.namespace),
    ),
  ];
}

/**
 * The namespaces that exist now: known to the watches (Namespaces Ferry applied), else with one list
 * rather than one read per namespace.
 */
async function existingNamespaces(
  kube: KubeApi,
  wanted: readonly string[],
  known: KnownLive | undefined,
): Promise<Set<string>> {
  const namespaceRef = (name: string): ObjectRef => ({
    group: '',
    version: 'v1',
    kind: 'Namespace',
    namespace: '',
    name,
  });
  if (wanted.every((name) => known?.get(namespaceRef(name)) !== undefined)) return new Set(wanted);
  const info = await kube.resolve('', 'v1', 'Namespace');
  if (info === undefined) return new Set();
  const names = new Set((await kube.list(info)).map((namespace) => namespace.metadata.name));
  return new Set(wanted.filter((name) => names.has(name)));
}

export async function applyRevision(
  kube: KubeApi,
  desired: DesiredSet,
  options: ApplyRevisionOptions = DEFAULT_APPLY_REVISION_OPTIONS,
): Promise<ApplyRevisionResult> {
  const unknown: ChangeSetEntry[] = desired.unknown.map((item) => ({
    ref: item.ref,
    action: 'failed',
    source: item.source,
    message: `${item.message} (${item.source})`,
  }));
  const { stages, errors: waveErrors } = orderStages(desired.objects, (object) => ({
    group: object.ref.group,
    kind: object.ref.kind,
    annotations: object.manifest.metadata.annotations,
  }));
  const badWaves: ChangeSetEntry[] = waveErrors.map(({ item, error }) => ({
    ref: item.ref,
    action: 'failed',
    source: item.source,
    message: `${formatRef(item.ref)}: ${error} (${item.source})`,
  }));

  // Preflight: everything whose kind is served and whose namespace exists, before any write.
  const namespaces = await existingNamespaces(kube, namespacesOf(desired.objects), options.known);
  const ready = (object: DesiredObject): boolean =>
    object.info !== undefined && (!object.info.namespaced || namespaces.has(object.ref.namespace));
  const preflight = new Map<DesiredObject, Planned>();
  // Objects in a namespace, or of a kind, that this revision creates cannot exist yet: no read needed.
  const newKinds = new Set(
    desired.objects.filter((o) => o.info === undefined).map((o) => `${o.ref.group}/${o.ref.kind}`),
  );
  const absent = (ref: ObjectRef): boolean =>
    newKinds.has(`${ref.group}/${ref.kind}`) || (ref.namespace !== '' && !namespaces.has(ref.namespace));
  // Of those, the ones whose namespace or kind a Namespace or CRD of this revision creates: applied at
  // their stage without a dry-run. (One whose namespace is neither there nor in the revision is still
  // dry-run, and fails the plan.)
  const newNamespaces = new Set(
    desired.objects.filter((o) => o.ref.group === '' && o.ref.kind === 'Namespace').map((o) => o.ref.name),
  );
  const createdHere = (ref: ObjectRef): boolean =>
    newKinds.has(`${ref.group}/${ref.kind}`) ||
    (ref.namespace !== '' && !namespaces.has(ref.namespace) && newNamespaces.has(ref.namespace));
  const index = await indexOwned(kube, wanted(desired), {
    owner: desired.owner,
    concurrency: options.concurrency,
    absent,
    namespaces: options.namespaces ?? [],
    ...(options.known !== undefined ? { known: options.known } : {}),
  });
  const checked = await mapLimit(desired.objects.filter(ready), options.concurrency, (object) =>
    dryRun(kube, object, index, { withDiff: options.dryRun, ...ignoreOf(options) }),
  );
  for (const planned of checked) {
    preflight.set(planned.object, planned);
    if (planned.action === 'unchanged' && planned.live !== undefined)
      options.onUnchanged?.(planned.object.ref, planned.live);
  }
  const failed = [...unknown, ...badWaves, ...checked.filter((p) => p.action === 'failed').map(entryOf)];
  if (failed.length > 0) {
    return {
      changeSet: failed,
      failure: { step: 'plan', message: `${failed.length} object(s) failed validation; nothing was written` },
    };
  }
  if (options.dryRun) {
    const changeSet = desired.objects.map((object) => {
      const planned = preflight.get(object);
      return planned !== undefined
        ? entryOf(planned)
        : {
            ref: object.ref,
            action: 'created' as const,
            source: object.source,
            message: 'validated when its namespace or kind exists',
          };
    });
    return { changeSet, failure: undefined };
  }

  const changeSet: ChangeSetEntry[] = [];
  for (const stage of stages) {
    // Kinds a CRD or APIService of this revision just defined or changed: discovery is asked afresh.
    if (stage.name !== 'definitions' && definitionsWritten(changeSet)) kube.invalidateDiscovery();
    const planned: Planned[] = await mapLimit(stage.items, options.concurrency, async (object) => {
      const checkedBefore = preflight.get(object);
      if (checkedBefore !== undefined) return checkedBefore;
      const resolved = await withInfo(kube, object, options.readyTimeoutMs);
      // A kind that still does not resolve goes to the dry-run, which fails naming the object and file.
      return resolved.info !== undefined && createdHere(resolved.ref)
        ? toCreate(resolved)
        : dryRun(kube, resolved, index, ignoreOf(options));
    });
    const invalid = planned.filter((p) => p.action === 'failed');
    if (invalid.length > 0) {
      changeSet.push(...invalid.map(entryOf));
      return {
        changeSet,
        failure: { step: 'plan', message: `${stage.name}: ${invalid.length} object(s) failed validation` },
      };
    }
    const applied = await mapLimit(planned, options.concurrency, (p) => applyOne(kube, p));
    changeSet.push(...applied);
    const failedApply = applied.filter((entry) => entry.action === 'failed');
    if (failedApply.length > 0) {
      return {
        changeSet,
        failure: { step: 'apply', message: `${stage.name}: ${failedApply.length} object(s) failed to apply` },
      };
    }
    // Only what was just created or changed can still be settling; unchanged objects were ready before.
    const touched = planned
      .filter((p) => p.action === 'created' || p.action === 'configured')
      .map((p) => p.object);
    const notReady = await waitReady(kube, touched, options.readyTimeoutMs);
    if (notReady !== undefined)
      return { changeSet, failure: { step: 'apply', message: `${stage.name}: ${notReady}` } };
    const last = stage === stages.at(-1);
    if (options.waveHealthTimeoutMs !== undefined && stage.name.startsWith('wave ') && !last) {
      const health = await waitHealthy(
        kube,
        stage.items.map((o) => o.ref),
        options.waveHealthTimeoutMs,
        options.signal,
        { owner: desired.owner, namespaces: options.namespaces ?? [] },
      );
      if (health.status !== 'Current') {
        const next = stages[stages.indexOf(stage) + 1]?.name ?? 'the next wave';
        return {
          changeSet,
          failure: {
            step: 'apply',
            message: `${stage.name} is not healthy, so ${next} was not applied: ${health.message}`,
          },
        };
      }
    }
  }
  return { changeSet, failure: undefined };
}

function definitionsWritten(changeSet: readonly ChangeSetEntry[]): boolean {
  return changeSet.some(
    (entry) =>
      (entry.action === 'created' || entry.action === 'configured') &&
      ((entry.ref.group === 'apiextensions.k8s.io' && entry.ref.kind === 'CustomResourceDefinition') ||
        (entry.ref.group === 'apiregistration.k8s.io' && entry.ref.kind === 'APIService')),
  );
}

/**
 * A kind from a CRD of this revision: resolve it now that its CRD is Established. Discovery can lag
 * the Established condition, so it is refreshed and asked again until the deadline.
 */
async function withInfo(kube: KubeApi, object: DesiredObject, timeoutMs: number): Promise<DesiredObject> {
  if (object.info !== undefined) return object;
  const info = await pollUntil(
    () => kube.resolve(object.ref.group, object.ref.version, object.ref.kind),
    timeoutMs,
    {
      beforeRetry: () => {
        kube.invalidateDiscovery();
      },
    },
  );
  return info === undefined ? object : { ...object, info };
}
