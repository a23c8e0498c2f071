// After an apply: wait until what Git holds is healthy (every object Current), or one object Failed, or
// the deadline passed; answer the rollup, worst first, naming the objects that are not Current. Kinds
// that have no status (ConfigMaps, Secrets, RBAC, ...) are Current once applied and are not read.
import { formatRef, refKey, rollUpHealth, type Health, type ObjectRef } from '@ferry/shared';
import { mapLimit } from '../concurrency.ts';
import { assessHealth } from '../health/index.ts';
import type { SyncIdentity } from '../inventory/types.ts';
import type { KubeApi, KubeObject, ResourceInfo } from '../kube/index.ts';
import { indexOwned } from './live-index.ts';
import { pollUntil } from '../poll.ts';

const WITHOUT_STATUS = new Set([
  '/ConfigMap',
  '/Secret',
  '/ServiceAccount',
  '/LimitRange',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
]);

const NAMED = 5;

export interface ObjectHealth extends Health {
  readonly ref: ObjectRef;
}

/** Whose objects these are: they are then read with one list per kind, not one read per object. */
export interface OwnedScope {
  readonly owner: SyncIdentity;
  /** Namespace-scoped RBAC profile: list in these namespaces only. Empty: cluster-wide. */
  readonly namespaces: readonly string[];
  /**
   * Live objects this sync has just read and left unchanged, by refKey: those already Current are not
   * read again; the others are, as usual.
   */
  readonly known?: ReadonlyMap<string, KubeObject>;
}

/** One look at every object that may still be settling. */
export async function assessObjects(
  kube: KubeApi,
  refs: readonly ObjectRef[],
  scope?: OwnedScope,
  concurrency = 16,
): Promise<ObjectHealth[]> {
  const settling = refs.filter((ref) => !WITHOUT_STATUS.has(`${ref.group}/${ref.kind}`));
  let read: (ref: ObjectRef) => Promise<KubeObject | undefined> = (ref) => kube.get(ref);
  if (scope !== undefined && settling.length > 0) {
    const kinds = new Map(settling.map((ref) => [`${ref.group}/${ref.version}/${ref.kind}`, ref]));
    const infos = new Map<string, ResourceInfo | undefined>();
    await mapLimit([...kinds], concurrency, async ([key, ref]) => {
      infos.set(key, await kube.resolve(ref.group, ref.version, ref.kind));
    });
    const wanted = settling.flatMap((ref) => {
      const info = infos.get(`${ref.group}/${ref.version}/${ref.kind}`);
      return info === undefined ? [] : [{ ref, info }];
    });
    const index = await indexOwned(kube, wanted, {
      owner: scope.owner,
      concurrency,
      namespaces: scope.namespaces,
    });
    read = (ref) => index.get(ref);
  }
  return mapLimit(refs, concurrency, async (ref) => {
    if (WITHOUT_STATUS.has(`${ref.group}/${ref.kind}`))
      return { ref, status: 'Current' as const, message: 'applied' };
    const live = await read(ref);
    if (live === undefined) return { ref, status: 'InProgress' as const, message: 'not found yet' };
    return { ref, ...assessHealth(live) };
  });
}

/** The rollup, with the first few objects that are not Current named in its message. */
export function summarize(healths: readonly ObjectHealth[]): Health {
  const notCurrent = healths.filter((h) => h.status !== 'Current');
  if (notCurrent.length === 0) return { status: 'Current', message: `${healths.length} object(s) healthy` };
  const worst = rollUpHealth(notCurrent);
  const order = (h: ObjectHealth): number => (h.status === worst.status ? 0 : 1);
  const named = [...notCurrent].sort((a, b) => order(a) - order(b)).slice(0, NAMED);
  const more = notCurrent.length > NAMED ? `; and ${notCurrent.length - NAMED} more not Current` : '';
  return {
    status: worst.status,
    message: `${named.map((h) => `${formatRef(h.ref)}: ${h.status}, ${h.message}`).join('; ')}${more}`,
  };
}

/** The refs left to read: all but those whose known live object is Current. */
export function notKnownCurrent(
  refs: readonly ObjectRef[],
  known: ReadonlyMap<string, KubeObject> | undefined,
): ObjectRef[] {
  if (known === undefined) return [...refs];
  return refs.filter((ref) => {
    if (WITHOUT_STATUS.has(`${ref.group}/${ref.kind}`)) return false;
    const live = known.get(refKey(ref));
    return live === undefined || assessHealth(live).status !== 'Current';
  });
}

/** The message of a wait the agent gave up because it is stopping (SIGTERM). */
export const ABANDONED = 'not judged: the agent stopped before the objects were healthy';

export async function waitHealthy(
  kube: KubeApi,
  refs: readonly ObjectRef[],
  timeoutMs: number,
  signal?: AbortSignal,
  scope?: OwnedScope,
): Promise<Health> {
  let pending = notKnownCurrent(refs, scope?.known);
  let last: ObjectHealth[] = [];
  const done = await pollUntil(
    async () => {
      last = await assessObjects(kube, pending, scope);
      if (last.some((h) => h.status === 'Failed')) return true;
      pending = last.filter((h) => h.status !== 'Current').map((h) => h.ref);
      return pending.length === 0 ? true : undefined;
    },
    timeoutMs,
    signal !== undefined ? { signal } : {},
  );
  const health = summarize(last);
  if (done !== true && signal?.aborted === true && health.status !== 'Current')
    return { status: 'Unknown', message: `${ABANDONED}: ${health.message}` };
  if (done === true || health.status === 'Current')
    return health.status === 'Current'
      ? { status: 'Current', message: `${refs.length} object(s) healthy` }
      : health;
  return {
    status: health.status,
    message: `not healthy after ${Math.round(timeoutMs / 1000)} s: ${health.message}`,
  };
}
