// StatefulSets and DaemonSets: Current once every desired pod is ready (StatefulSet) or available
// (DaemonSet) and runs the latest revision. With the OnDelete update strategy the controller does not
// replace pods by itself, so the revision is not waited for; with a StatefulSet partition, only the
// pods at or above the partition ordinal are.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { neverObserved } from './generic.ts';
import { count, current, inProgress, numberAt, stringAt } from './rule.ts';

const ON_DELETE = 'OnDelete';

export function assessStatefulSet(object: KubeObject): Health {
  const unobserved = neverObserved(object);
  if (unobserved !== undefined) return unobserved;

  const desired = numberAt(object, 'spec', 'replicas') ?? 1;
  const replicas = numberAt(object, 'status', 'replicas') ?? 0;
  const ready = numberAt(object, 'status', 'readyReplicas') ?? 0;
  const updated = numberAt(object, 'status', 'updatedReplicas') ?? 0;

  if (replicas < desired) return inProgress(`${replicas} of ${count(desired, 'replica')} created`);
  if (replicas > desired) {
    return inProgress(`waiting for ${count(replicas - desired, 'surplus replica')} to terminate`);
  }
  if (ready < desired) {
    return inProgress(`waiting for ${desired - ready} of ${count(desired, 'replica')} to be ready`);
  }

  if (stringAt(object, 'spec', 'updateStrategy', 'type') === ON_DELETE) {
    return current(`${count(desired, 'replica')} ready; OnDelete: pods take a new revision when deleted`);
  }
  const partition = numberAt(object, 'spec', 'updateStrategy', 'rollingUpdate', 'partition') ?? 0;
  if (partition > 0) {
    const target = Math.max(0, desired - partition);
    if (updated < target) {
      return inProgress(`${updated} of ${count(target, 'replica')} updated (partition ${partition})`);
    }
    return current(`${count(desired, 'replica')} ready; ${updated} updated up to partition ${partition}`);
  }
  const currentRevision = stringAt(object, 'status', 'currentRevision');
  const updateRevision = stringAt(object, 'status', 'updateRevision');
  if (updateRevision !== undefined && updateRevision !== currentRevision) {
    return inProgress(`${updated} of ${count(desired, 'replica')} updated to revision ${updateRevision}`);
  }
  return currentRevision === undefined
    ? current(`${count(desired, 'replica')} ready`)
    : current(`${count(desired, 'replica')} ready at revision ${currentRevision}`);
}

export function assessDaemonSet(object: KubeObject): Health {
  const unobserved = neverObserved(object);
  if (unobserved !== undefined) return unobserved;

  const desired = numberAt(object, 'status', 'desiredNumberScheduled') ?? 0;
  const updated = numberAt(object, 'status', 'updatedNumberScheduled') ?? 0;
  const available = numberAt(object, 'status', 'numberAvailable') ?? 0;
  const onDelete = stringAt(object, 'spec', 'updateStrategy', 'type') === ON_DELETE;

  if (!onDelete && updated < desired) return inProgress(`${updated} of ${count(desired, 'pod')} updated`);
  if (available < desired) {
    return inProgress(`waiting for ${desired - available} of ${count(desired, 'pod')} to be available`);
  }
  if (desired === 0) return current('no node matches: 0 pods scheduled');
  return onDelete
    ? current(`${count(desired, 'pod')} available; OnDelete: pods take a new revision when deleted`)
    : current(`${count(desired, 'pod')} updated and available`);
}
