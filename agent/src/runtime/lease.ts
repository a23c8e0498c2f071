// One agent syncs at a time: a coordination.k8s.io/v1 Lease held by the pod that syncs. Acquired when
// absent or expired, renewed well before it expires, and written with the resourceVersion read (an
// optimistic lock), so that two replicas that race both read, one writes, and the other gets 409.
import { KubeError, type KubeApi, type KubeObject } from '../kube/index.ts';

export interface LeaseOptions {
  readonly namespace: string;
  readonly name: string;
  /** Who holds it: the pod's name. */
  readonly identity: string;
  readonly durationSeconds: number;
}

export type LeaseAnswer =
  { readonly held: true } | { readonly held: false; readonly holder: string; readonly until: Date };

const ref = (options: LeaseOptions) => ({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  namespace: options.namespace,
  name: options.name,
});

/** Kubernetes' MicroTime: RFC 3339 with microseconds. */
const microTime = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Takes or renews the lease; answers who holds it when another live holder does. */
export async function tryAcquireLease(
  kube: KubeApi,
  options: LeaseOptions,
  now = new Date(),
): Promise<LeaseAnswer> {
  const live = await kube.get(ref(options));
  const spec = (live?.spec ?? {}) as LeaseSpec;
  const renewed = spec.renewTime === undefined ? 0 : Date.parse(spec.renewTime);
  const until = new Date(renewed + (spec.leaseDurationSeconds ?? options.durationSeconds) * 1000);
  const ours = spec.holderIdentity === options.identity;
  if (live !== undefined && !ours && spec.holderIdentity && until > now)
    return { held: false, holder: spec.holderIdentity, until };

  const next: LeaseSpec = {
    holderIdentity: options.identity,
    leaseDurationSeconds: options.durationSeconds,
    acquireTime: ours && spec.acquireTime !== undefined ? spec.acquireTime : microTime(now),
    renewTime: microTime(now),
    leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : live === undefined ? 0 : 1),
  };
  const object: KubeObject = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      ...(live?.metadata.resourceVersion !== undefined
        ? { resourceVersion: live.metadata.resourceVersion }
        : {}),
    },
    spec: next,
  };
  try {
    if (live === undefined) await kube.create(object);
    else await kube.replace(object);
    return { held: true };
  } catch (error) {
    // Another replica wrote first (409 on replace, 409 AlreadyExists on create): it holds the lease.
    if (error instanceof KubeError && error.code === 'conflict') {
      const winner = ((await kube.get(ref(options)))?.spec ?? {}) as LeaseSpec;
      return {
        held: false,
        holder: winner.holderIdentity ?? 'another replica',
        until: new Date(now.getTime() + options.durationSeconds * 1000),
      };
    }
    throw error;
  }
}

/** Gives the lease up on a clean exit, so that another replica need not wait for it to expire. */
export async function releaseLease(kube: KubeApi, options: LeaseOptions): Promise<void> {
  const live = await kube.get(ref(options));
  if (live === undefined || (live.spec as LeaseSpec | undefined)?.holderIdentity !== options.identity) return;
  await kube.replace({
    ...live,
    spec: { ...(live.spec as LeaseSpec), holderIdentity: '', renewTime: microTime(new Date(0)) },
  });
}
