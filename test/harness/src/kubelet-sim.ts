// A SIMULATED kubelet: the one simulation the harness allows. The clusters run no kubelet, scheduler or
// volume provisioner, so nothing would ever run a Pod or provision a volume. This module plays their
// part for the objects it is asked to: it patches **Pod status** through the `/status` subresource
// (never Deployment/ReplicaSet/Job/StatefulSet status: the real controllers in kube-controller-manager
// derive those from the Pods) and creates PersistentVolumes pre-bound to Pending claims, which the real
// persistentvolume-binder then binds. Everything above the Pod stays real.
//
//   settle(kube, { namespace })           one pass over what exists now; a typed report
//   startKubeletSim(kube, { namespace })  watches Pods and claims until stop()
import { setTimeout as delay } from 'node:timers/promises';
import { HarnessError } from './errors.ts';
import { isConnectionFailure, type KubeHttp, type WatchEvent } from './kube-http.ts';
import {
  behaviourFor,
  claimNames,
  isInTargetState,
  isTerminal,
  needsVolume,
  SIMULATED_VOLUME_LABEL,
  SIMULATED_VOLUME_NAMESPACE_LABEL,
  simulatedPodStatus,
  simulatedVolumeFor,
  simulatedVolumeName,
  type SimClaim,
  type SimPod,
  type SimulatedBehaviour,
  type SimulatedKubeletRule,
} from './kubelet-sim-status.ts';
import { waitFor } from './wait.ts';

export {
  SIMULATED_BEHAVIOURS,
  SIMULATED_VOLUME_LABEL,
  type SimulatedBehaviour,
  type SimulatedKubeletRule,
} from './kubelet-sim-status.ts';

/** A Pod whose status the simulated kubelet wrote, in the order it wrote them. */
export interface SimulatedPodOutcome {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly behaviour: SimulatedBehaviour;
  /** ISO time of the status patch. */
  readonly at: string;
}

/** A claim the simulated provisioner made a PersistentVolume for. */
export interface SimulatedVolumeOutcome {
  readonly namespace: string;
  readonly claim: string;
  readonly volume: string;
  /** 'Bound' once the real persistentvolume-binder bound the claim. */
  readonly phase: 'Bound' | 'Pending';
}

/** A Pod left alone for now, as a scheduler would (a claim it mounts is not bound yet). */
export interface SimulatedDeferral {
  readonly namespace: string;
  readonly name: string;
  readonly reason: string;
}

export interface SimulatedKubeletReport {
  readonly pods: readonly SimulatedPodOutcome[];
  readonly volumes: readonly SimulatedVolumeOutcome[];
  readonly deferred: readonly SimulatedDeferral[];
  /** Failures while handling events (the continuous simulation keeps going after them). */
  readonly errors: readonly string[];
}

interface ObjectList<T> {
  readonly metadata: { readonly resourceVersion: string };
  readonly items: readonly T[];
}

const podPath = (namespace: string, name: string): string => `/api/v1/namespaces/${namespace}/pods/${name}`;
const claimPath = (namespace: string, name: string): string =>
  `/api/v1/namespaces/${namespace}/persistentvolumeclaims/${name}`;
const collection = (resource: string, namespace: string | undefined): string =>
  namespace === undefined ? `/api/v1/${resource}` : `/api/v1/namespaces/${namespace}/${resource}`;

function resourceVersionNumber(rv: string | undefined): number | undefined {
  const n = Number(rv);
  return rv !== undefined && rv !== '' && Number.isSafeInteger(n) ? n : undefined;
}

/** The state shared by both modes: what was done, and what must not be done twice. */
class SimulatedKubelet {
  readonly #kube: KubeHttp;
  readonly #rules: readonly SimulatedKubeletRule[];
  readonly #pods: SimulatedPodOutcome[] = [];
  readonly #volumes = new Map<string, SimulatedVolumeOutcome>();
  readonly #deferred = new Map<string, SimulatedDeferral & { readonly claims: readonly string[] }>();
  readonly #errors: string[] = [];
  /** Pod uid → resourceVersion of our own status patch: older events of that Pod are stale. */
  readonly #patched = new Map<string, number>();
  #chain: Promise<void> = Promise.resolve();

  constructor(kube: KubeHttp, rules: readonly SimulatedKubeletRule[]) {
    this.#kube = kube;
    this.#rules = rules;
  }

  /** Runs `task` after every task queued before it; a failure is recorded, not thrown. */
  serial(task: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(task).catch((error: unknown) => {
      this.recordError(error);
    });
    this.#chain = next;
    return next;
  }

  /** Records a failure, unless it is a dropped or refused connection (the loops re-list after those). */
  recordError(error: unknown, context?: string): void {
    if (isConnectionFailure(error)) return;
    const message = error instanceof Error ? error.message : String(error);
    this.#errors.push(context === undefined ? message : `${context}: ${message}`);
  }

  report(): SimulatedKubeletReport {
    return {
      pods: [...this.#pods],
      volumes: [...this.#volumes.values()],
      deferred: [...this.#deferred.values()].map(({ namespace, name, reason }) => ({
        namespace,
        name,
        reason,
      })),
      errors: [...this.#errors],
    };
  }

  forgetPod(pod: SimPod): void {
    this.#patched.delete(pod.metadata.uid);
    this.#deferred.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
  }

  async handlePod(pod: SimPod): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    const key = `${namespace}/${name}`;
    if (pod.metadata.deletionTimestamp !== undefined) return;
    const behaviour = behaviourFor(pod, this.#rules);
    if (isInTargetState(pod, behaviour) || isTerminal(pod)) {
      this.#deferred.delete(key);
      return;
    }
    const ours = this.#patched.get(uid);
    const seen = resourceVersionNumber(pod.metadata.resourceVersion);
    if (ours !== undefined && seen !== undefined && seen <= ours) return;

    const unbound: string[] = [];
    for (const claim of claimNames(pod)) {
      const answer = await this.#kube.raw<SimClaim>('GET', claimPath(namespace, claim));
      if (answer.status !== 200 || answer.body.status?.phase !== 'Bound') unbound.push(claim);
    }
    if (unbound.length > 0) {
      const reason = `PersistentVolumeClaim ${unbound.join(', ')} not bound yet`;
      this.#deferred.set(key, { namespace, name, reason, claims: unbound });
      return;
    }

    const answer = await this.#kube.raw<SimPod>('PATCH', `${podPath(namespace, name)}/status`, {
      body: { status: simulatedPodStatus(pod, behaviour, new Date()) },
      contentType: 'application/merge-patch+json',
    });
    if (answer.status === 404) return; // deleted meanwhile
    if (answer.status !== 200) {
      throw new HarnessError(
        'http',
        `simulated kubelet could not patch the status of Pod/${namespace}/${name} (${behaviour}): ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
    this.#deferred.delete(key);
    const written = resourceVersionNumber(answer.body.metadata.resourceVersion);
    if (written !== undefined) this.#patched.set(uid, written);
    this.#pods.push({ namespace, name, uid, behaviour, at: new Date().toISOString() });
  }

  /** Re-examines Pods that waited for `claim` (after it was bound). */
  async retryDeferred(namespace: string, claim: string): Promise<void> {
    const waiting = [...this.#deferred.values()].filter(
      (entry) => entry.namespace === namespace && entry.claims.includes(claim),
    );
    for (const entry of waiting) {
      const answer = await this.#kube.raw<SimPod>('GET', podPath(entry.namespace, entry.name));
      if (answer.status === 404) this.#deferred.delete(`${entry.namespace}/${entry.name}`);
      else if (answer.status === 200) await this.handlePod(answer.body);
    }
  }

  /** Offers a pre-bound PersistentVolume to a Pending claim; records the claim once it is Bound. */
  async handleClaim(claim: SimClaim): Promise<void> {
    const { namespace, name, uid } = claim.metadata;
    const volume = simulatedVolumeName(claim);
    const known = this.#volumes.get(uid);
    if (claim.status?.phase === 'Bound') {
      if (known !== undefined && known.phase !== 'Bound') {
        this.#volumes.set(uid, { ...known, phase: 'Bound' });
      }
      await this.retryDeferred(namespace, name);
      return;
    }
    if (!needsVolume(claim) || known !== undefined) return;
    const answer = await this.#kube.raw('POST', '/api/v1/persistentvolumes', {
      body: simulatedVolumeFor(claim),
    });
    if (answer.status !== 201 && answer.status !== 409) {
      throw new HarnessError(
        'http',
        `simulated provisioner could not create PersistentVolume/${volume} for PersistentVolumeClaim/${namespace}/${name}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
    this.#volumes.set(uid, { namespace, claim: name, volume, phase: 'Pending' });
  }
}

export interface SettleOptions {
  readonly namespace: string;
  readonly rules?: readonly SimulatedKubeletRule[];
  /** How long claims may take to be bound; default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * One pass of the simulated kubelet over `namespace`: provisions every Pending claim and waits until the
 * real binder bound it, then brings every Pod there to its behaviour's state. Throws when a claim is
 * never bound or a status patch fails.
 */
export async function settle(kube: KubeHttp, options: SettleOptions): Promise<SimulatedKubeletReport> {
  const sim = new SimulatedKubelet(kube, options.rules ?? []);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const claims = await kube.get<ObjectList<SimClaim>>(
    collection('persistentvolumeclaims', options.namespace),
  );
  const provisioned = claims.items.filter(needsVolume);
  for (const claim of provisioned) await sim.handleClaim(claim);
  for (const claim of provisioned) {
    const { namespace, name } = claim.metadata;
    let detail = '';
    const bound = await waitFor(
      async () => {
        const current = await kube.get<SimClaim>(claimPath(namespace, name));
        detail = `claim is ${current.status?.phase ?? 'without a phase'}`;
        return current.status?.phase === 'Bound' ? current : undefined;
      },
      {
        what: `PersistentVolumeClaim/${namespace}/${name} to be bound to the simulated PersistentVolume/${simulatedVolumeName(claim)} by kube-controller-manager's persistentvolume-binder`,
        timeoutMs,
        intervalMs: 200,
        onTimeout: () => ({ detail }),
      },
    );
    await sim.handleClaim(bound);
  }
  const pods = await kube.get<ObjectList<SimPod>>(collection('pods', options.namespace));
  for (const pod of pods.items) await sim.handlePod(pod);
  return sim.report();
}

export interface KubeletSimOptions {
  /** Only this namespace; every namespace when omitted. */
  readonly namespace?: string;
  readonly rules?: readonly SimulatedKubeletRule[];
}

export interface RunningKubeletSim {
  /** Ends the watches and waits for the work in progress. */
  stop(): Promise<void>;
  report(): SimulatedKubeletReport;
}

/** Thrown inside a watch callback to end that watch and list again. */
class Relist extends Error {}

async function watchLoop<T extends { metadata: { name: string } }>(
  kube: KubeHttp,
  path: string,
  sim: SimulatedKubelet,
  handle: (event: WatchEvent<T>['type'], object: T) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const stopped = (): boolean => signal.aborted;
  while (!stopped()) {
    try {
      const list = await kube.get<ObjectList<T>>(path);
      for (const item of list.items) await sim.serial(() => handle('ADDED', item));
      await kube.watch<T>(
        path,
        {
          resourceVersion: list.metadata.resourceVersion,
          allowWatchBookmarks: 'true',
          timeoutSeconds: '240',
        },
        async (event) => {
          if (event.type === 'BOOKMARK') return;
          if (event.type === 'ERROR') {
            const status = event.object as unknown as { code?: number; message?: string };
            if (status.code !== 410)
              sim.recordError(`watch ${path}: ${status.message ?? JSON.stringify(status)}`);
            throw new Relist();
          }
          await sim.serial(() => handle(event.type, event.object));
        },
        signal,
      );
    } catch (error) {
      if (stopped()) return;
      if (!(error instanceof Relist)) {
        sim.recordError(error, `watch ${path}`);
        // Back off before listing again (the API server may be restarting); stop() cuts this short.
        await delay(500, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

/**
 * Runs the simulated kubelet until stop(): lists and watches Pods and PersistentVolumeClaims (re-listing
 * when a watch ends or expires) and brings each Pod not yet in its target state there. A StatefulSet's
 * Pods become ready in order by themselves, since its real controller creates Pod N+1 only after Pod N
 * is Ready.
 */
export function startKubeletSim(kube: KubeHttp, options: KubeletSimOptions = {}): RunningKubeletSim {
  const sim = new SimulatedKubelet(kube, options.rules ?? []);
  const abort = new AbortController();
  const loops = [
    watchLoop<SimPod>(
      kube,
      collection('pods', options.namespace),
      sim,
      (type, pod) => {
        if (type === 'DELETED') {
          sim.forgetPod(pod);
          return Promise.resolve();
        }
        return sim.handlePod(pod);
      },
      abort.signal,
    ),
    watchLoop<SimClaim>(
      kube,
      collection('persistentvolumeclaims', options.namespace),
      sim,
      (type, claim) => (type === 'DELETED' ? Promise.resolve() : sim.handleClaim(claim)),
      abort.signal,
    ),
  ];
  let stopped: Promise<void> | undefined;
  return {
    stop: () => {
      stopped ??= (async () => {
        abort.abort();
        await Promise.all(loops);
        await sim.serial(() => Promise.resolve());
      })();
      return stopped;
    },
    report: () => sim.report(),
  };
}

/**
 * Deletes the PersistentVolumes the simulated provisioner made (for claims in `namespace`, or all).
 * Bound ones go once their claim is gone (pv-protection); the namespace's deletion takes care of that.
 */
export async function deleteSimulatedVolumes(kube: KubeHttp, namespace?: string): Promise<void> {
  const selector =
    namespace === undefined
      ? `${SIMULATED_VOLUME_LABEL}=true`
      : `${SIMULATED_VOLUME_LABEL}=true,${SIMULATED_VOLUME_NAMESPACE_LABEL}=${namespace}`;
  const volumes = await kube.get<ObjectList<{ metadata: { name: string } }>>(
    `/api/v1/persistentvolumes?labelSelector=${encodeURIComponent(selector)}`,
  );
  for (const volume of volumes.items) {
    const answer = await kube.raw('DELETE', `/api/v1/persistentvolumes/${volume.metadata.name}`);
    if (answer.status !== 200 && answer.status !== 202 && answer.status !== 404) {
      throw new HarnessError(
        'http',
        `deleting PersistentVolume/${volume.metadata.name} answered ${answer.status}`,
      );
    }
  }
}
