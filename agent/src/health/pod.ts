// Pods: Current when Ready, or once Succeeded. Failed when the phase is Failed, or when a container
// waits for a reason that does not heal by waiting (CrashLoopBackOff, ImagePullBackOff, ErrImagePull,
// a bad container config), whatever the restart policy. The restart policy decides what is awaited
// while Running: readiness under Always; completion under OnFailure and Never (run-to-completion pods).
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import {
  conditionOf,
  count,
  current,
  describeCondition,
  failed,
  inProgress,
  listAt,
  numberAt,
  stringAt,
  valueAt,
} from './rule.ts';

const FAILED_WAITING_REASONS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

interface ContainerStatus {
  readonly name: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly waitingReason: string | undefined;
  readonly waitingMessage: string | undefined;
  readonly terminatedReason: string | undefined;
  readonly exitCode: number | undefined;
}

/** Init containers first, then the app containers, as the kubelet runs them. */
function containerStatuses(object: KubeObject): ContainerStatus[] {
  const entries = [
    ...listAt(object, 'status', 'initContainerStatuses'),
    ...listAt(object, 'status', 'containerStatuses'),
  ];
  return entries.map((entry) => ({
    name: stringAt(entry, 'name') ?? '?',
    ready: valueAt(entry, 'ready') === true,
    restarts: numberAt(entry, 'restartCount') ?? 0,
    waitingReason: stringAt(entry, 'state', 'waiting', 'reason'),
    waitingMessage: stringAt(entry, 'state', 'waiting', 'message'),
    terminatedReason: stringAt(entry, 'state', 'terminated', 'reason'),
    exitCode: numberAt(entry, 'state', 'terminated', 'exitCode'),
  }));
}

function whyFailed(object: KubeObject, containers: readonly ContainerStatus[]): string {
  const reason = stringAt(object, 'status', 'reason');
  const message = stringAt(object, 'status', 'message');
  if (reason !== undefined || message !== undefined) return [reason, message].filter(Boolean).join(': ');
  const exited = containers.find((container) => container.exitCode !== undefined && container.exitCode !== 0);
  if (exited === undefined) return 'failed';
  const how = exited.terminatedReason === undefined ? '' : ` (${exited.terminatedReason})`;
  return `container "${exited.name}" exited with code ${exited.exitCode ?? 0}${how}`;
}

function whileRunning(object: KubeObject, containers: readonly ContainerStatus[]): Health {
  const restartPolicy = stringAt(object, 'spec', 'restartPolicy') ?? 'Always';
  if (restartPolicy !== 'Always') {
    return inProgress(`running; waiting for it to complete (restartPolicy ${restartPolicy})`);
  }
  if (conditionOf(object, 'Ready')?.status === 'True') return current('ready');
  const notReady = containers
    .filter((container) => !container.ready && container.terminatedReason === undefined)
    .map((container) =>
      container.restarts === 0
        ? container.name
        : `${container.name} (${count(container.restarts, 'restart')})`,
    );
  return notReady.length === 0
    ? inProgress('waiting for the Ready condition')
    : inProgress(`waiting for containers to be ready: ${notReady.join(', ')}`);
}

function beforeRunning(object: KubeObject, containers: readonly ContainerStatus[]): Health {
  const scheduled = conditionOf(object, 'PodScheduled');
  if (scheduled?.status === 'False')
    return inProgress(`waiting to be scheduled: ${describeCondition(scheduled)}`);
  if (scheduled?.status !== 'True') return inProgress('waiting to be scheduled');
  const starting = containers.find((container) => container.waitingReason !== undefined);
  return starting === undefined
    ? inProgress('waiting for containers to start')
    : inProgress(`waiting for containers to start: ${starting.name} (${starting.waitingReason ?? ''})`);
}

export function assessPod(object: KubeObject): Health {
  const phase = stringAt(object, 'status', 'phase');
  const containers = containerStatuses(object);
  if (phase === 'Succeeded') return current('completed');
  if (phase === 'Failed') return failed(whyFailed(object, containers));

  const stuck = containers.find(
    (container) =>
      container.waitingReason !== undefined && FAILED_WAITING_REASONS.has(container.waitingReason),
  );
  if (stuck !== undefined) {
    const why = [stuck.waitingReason, stuck.waitingMessage].filter(Boolean).join(': ');
    return failed(`container "${stuck.name}": ${why}`);
  }

  switch (phase) {
    case 'Running':
      return whileRunning(object, containers);
    case 'Pending':
    case undefined:
      return beforeRunning(object, containers);
    case 'Unknown':
      return {
        status: 'Unknown',
        message: stringAt(object, 'status', 'message') ?? 'the node stopped reporting',
      };
    default:
      return { status: 'Unknown', message: `unknown phase "${phase}"` };
  }
}
