// Pure builders for the SIMULATED kubelet (kubelet-sim.ts): the Pod status a real kubelet would report
// for each simulated behaviour, the test "is this Pod already there?", and the PersistentVolume a
// simulated volume provisioner offers to a claim. No I/O here, so these are easy to reason about.
import { createHash } from 'node:crypto';

/** What the simulated kubelet makes of a Pod. */
export const SIMULATED_BEHAVIOURS = ['ready', 'succeeded', 'crashloop', 'image-pull-error'] as const;
export type SimulatedBehaviour = (typeof SIMULATED_BEHAVIOURS)[number];

/** Picks Pods for a behaviour; every field given must match. The first matching rule wins. */
export interface SimulatedKubeletRule {
  readonly namespace?: string;
  readonly labelSelector?: Readonly<Record<string, string>>;
  readonly namePrefix?: string;
  readonly behaviour: SimulatedBehaviour;
}

export interface SimContainer {
  readonly name: string;
  readonly image?: string;
}

interface SimContainerStatus {
  readonly name: string;
  readonly ready?: boolean;
  readonly state?: { readonly waiting?: { readonly reason?: string } };
}

/** The fields of a Pod the simulated kubelet reads. */
export interface SimPod {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly { readonly kind: string; readonly apiVersion: string }[];
    readonly deletionTimestamp?: string;
  };
  readonly spec: {
    readonly containers: readonly SimContainer[];
    readonly initContainers?: readonly SimContainer[];
    readonly volumes?: readonly { readonly persistentVolumeClaim?: { readonly claimName: string } }[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly { readonly type: string; readonly status: string }[];
    readonly containerStatuses?: readonly SimContainerStatus[];
  };
}

/** The fields of a PersistentVolumeClaim the simulated provisioner reads. */
export interface SimClaim {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly deletionTimestamp?: string;
  };
  readonly spec: {
    readonly storageClassName?: string;
    readonly accessModes?: readonly string[];
    readonly volumeMode?: string;
    readonly volumeName?: string;
    readonly resources?: { readonly requests?: Readonly<Record<string, string>> };
  };
  readonly status?: { readonly phase?: string };
}

/** Label on every PersistentVolume the simulated provisioner creates. */
export const SIMULATED_VOLUME_LABEL = 'ferry.test/simulated-volume';
/** Label naming the namespace of the claim a simulated volume was made for. */
export const SIMULATED_VOLUME_NAMESPACE_LABEL = 'ferry.test/claim-namespace';
/** The simulated node's address: what a simulated Pod reports as hostIP. */
export const SIMULATED_HOST_IP = '127.0.0.1';

/** The behaviour for a Pod: the first matching rule, else 'succeeded' for Job Pods and 'ready' for the rest. */
export function behaviourFor(pod: SimPod, rules: readonly SimulatedKubeletRule[]): SimulatedBehaviour {
  for (const rule of rules) {
    if (rule.namespace !== undefined && rule.namespace !== pod.metadata.namespace) continue;
    if (rule.namePrefix !== undefined && !pod.metadata.name.startsWith(rule.namePrefix)) continue;
    const labels = pod.metadata.labels ?? {};
    if (
      rule.labelSelector &&
      Object.entries(rule.labelSelector).some(([key, value]) => labels[key] !== value)
    ) {
      continue;
    }
    return rule.behaviour;
  }
  const ownedByJob = (pod.metadata.ownerReferences ?? []).some(
    (owner) => owner.kind === 'Job' && owner.apiVersion.startsWith('batch/'),
  );
  return ownedByJob ? 'succeeded' : 'ready';
}

function waitingReasons(pod: SimPod): string[] {
  return (pod.status?.containerStatuses ?? []).flatMap((status) => status.state?.waiting?.reason ?? []);
}

/** True when the Pod already shows what `behaviour` would report (then it must not be patched again). */
export function isInTargetState(pod: SimPod, behaviour: SimulatedBehaviour): boolean {
  const phase = pod.status?.phase;
  switch (behaviour) {
    case 'ready': {
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      const statuses = pod.status?.containerStatuses ?? [];
      const allReady = pod.spec.containers.every((container) =>
        statuses.some((status) => status.name === container.name && status.ready === true),
      );
      return phase === 'Running' && ready && allReady;
    }
    case 'succeeded':
      return phase === 'Succeeded';
    case 'crashloop':
      return phase === 'Running' && waitingReasons(pod).includes('CrashLoopBackOff');
    case 'image-pull-error':
      return (
        phase === 'Pending' &&
        waitingReasons(pod).some((reason) => reason === 'ImagePullBackOff' || reason === 'ErrImagePull')
      );
  }
}

/** Succeeded and Failed are final: a kubelet never moves a Pod out of them. */
export function isTerminal(pod: SimPod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** The claims a Pod mounts; a scheduler keeps such a Pod Pending until they are bound. */
export function claimNames(pod: SimPod): string[] {
  return (pod.spec.volumes ?? []).flatMap((volume) => volume.persistentVolumeClaim?.claimName ?? []);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A stable fake Pod IP in 10.244.0.0/16, derived from the Pod's uid. */
export function simulatedPodIp(uid: string): string {
  const hash = digest(uid);
  const third = parseInt(hash.slice(0, 2), 16);
  const fourth = (parseInt(hash.slice(2, 4), 16) % 254) + 1;
  return `10.244.${third}.${fourth}`;
}

function condition(type: string, status: boolean, at: string, reason?: string, message?: string): object {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

function identity(pod: SimPod, container: SimContainer): object {
  const image = container.image ?? 'unknown';
  return {
    name: container.name,
    image,
    imageID: `simulated://${image}@sha256:${digest(image)}`,
    containerID: `simulated://${digest(`${pod.metadata.uid}/${container.name}`)}`,
  };
}

function initContainerStatuses(pod: SimPod, startedAt: string): object[] {
  return (pod.spec.initContainers ?? []).map((container) => ({
    ...identity(pod, container),
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt } },
  }));
}

/**
 * The `status` a kubelet would report for `behaviour`, for a merge patch of the Pod's status
 * subresource (lists are replaced whole, so stale conditions and container statuses go).
 */
export function simulatedPodStatus(pod: SimPod, behaviour: SimulatedBehaviour, now: Date): object {
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const podIP = simulatedPodIp(pod.metadata.uid);
  const names = pod.spec.containers.map((container) => container.name).join(' ');
  const notReady = `containers with unready status: [${names}]`;
  const common = {
    hostIP: SIMULATED_HOST_IP,
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: at,
    qosClass: 'BestEffort',
    initContainerStatuses: initContainerStatuses(pod, at),
  };
  const scheduled = [condition('Initialized', true, at), condition('PodScheduled', true, at)];
  switch (behaviour) {
    case 'ready':
      return {
        ...common,
        phase: 'Running',
        conditions: [...scheduled, condition('ContainersReady', true, at), condition('Ready', true, at)],
        containerStatuses: pod.spec.containers.map((container) => ({
          ...identity(pod, container),
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: at } },
          lastState: {},
        })),
      };
    case 'succeeded':
      return {
        ...common,
        phase: 'Succeeded',
        conditions: [
          ...scheduled,
          condition('ContainersReady', false, at, 'PodCompleted'),
          condition('Ready', false, at, 'PodCompleted'),
        ],
        containerStatuses: pod.spec.containers.map((container) => ({
          ...identity(pod, container),
          ready: false,
          started: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at } },
          lastState: {},
        })),
      };
    case 'crashloop':
      return {
        ...common,
        phase: 'Running',
        conditions: [
          ...scheduled,
          condition('ContainersReady', false, at, 'ContainersNotReady', notReady),
          condition('Ready', false, at, 'ContainersNotReady', notReady),
        ],
        containerStatuses: pod.spec.containers.map((container) => ({
          ...identity(pod, container),
          ready: false,
          started: false,
          restartCount: 1,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 10s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
            },
          },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at } },
        })),
      };
    case 'image-pull-error':
      return {
        ...common,
        phase: 'Pending',
        conditions: [
          ...scheduled,
          condition('ContainersReady', false, at, 'ContainersNotReady', notReady),
          condition('Ready', false, at, 'ContainersNotReady', notReady),
        ],
        containerStatuses: pod.spec.containers.map((container) => ({
          name: container.name,
          image: container.image ?? 'unknown',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${container.image ?? 'unknown'}"`,
            },
          },
          lastState: {},
        })),
      };
  }
}

/** The name of the PersistentVolume the simulated provisioner makes for a claim. */
export function simulatedVolumeName(claim: SimClaim): string {
  return `ferry-sim-pv-${claim.metadata.uid}`;
}

/**
 * A PersistentVolume pre-bound to `claim` (claimRef with its uid), for the real persistentvolume-binder
 * of kube-controller-manager to bind. hostPath under /tmp, which the controller's hostPath deleter
 * accepts when the Delete reclaim policy applies.
 */
export function simulatedVolumeFor(claim: SimClaim): object {
  const name = simulatedVolumeName(claim);
  const storage = claim.spec.resources?.requests?.storage ?? '1Gi';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      labels: {
        [SIMULATED_VOLUME_LABEL]: 'true',
        [SIMULATED_VOLUME_NAMESPACE_LABEL]: claim.metadata.namespace,
      },
      annotations: { 'pv.kubernetes.io/provisioned-by': 'ferry.test/simulated-provisioner' },
    },
    spec: {
      capacity: { storage },
      accessModes:
        claim.spec.accessModes && claim.spec.accessModes.length > 0
          ? claim.spec.accessModes
          : ['ReadWriteOnce'],
      storageClassName: claim.spec.storageClassName ?? '',
      ...(claim.spec.volumeMode !== undefined ? { volumeMode: claim.spec.volumeMode } : {}),
      persistentVolumeReclaimPolicy: 'Delete',
      hostPath: {
        path: `/tmp/ferry-sim-pv/${claim.metadata.namespace}/${claim.metadata.name}-${claim.metadata.uid}`,
      },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
      },
    },
  };
}

/** A claim the simulated provisioner should serve: Pending, not deleting, not naming a volume itself. */
export function needsVolume(claim: SimClaim): boolean {
  return (
    claim.metadata.deletionTimestamp === undefined &&
    (claim.status?.phase ?? 'Pending') === 'Pending' &&
    (claim.spec.volumeName ?? '') === ''
  );
}
