// Deployments and ReplicaSets: Current once every desired replica runs the latest pod template and is
// available, and no old replica is left. A Deployment whose Progressing condition says
// ProgressDeadlineExceeded has Failed; one paused in Git is Current, since pausing is what Git asked.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { neverObserved } from './generic.ts';
import {
  conditionOf,
  count,
  current,
  describeCondition,
  failed,
  inProgress,
  numberAt,
  valueAt,
} from './rule.ts';

/** A replica that could not be created (quota, admission) is waited on, not failed: the deadline decides. */
function replicaFailure(object: KubeObject): Health | undefined {
  const condition = conditionOf(object, 'ReplicaFailure');
  if (condition?.status !== 'True') return undefined;
  return inProgress(`waiting for replicas: ${describeCondition(condition)}`);
}

export function assessDeployment(object: KubeObject): Health {
  const unobserved = neverObserved(object);
  if (unobserved !== undefined) return unobserved;

  const desired = numberAt(object, 'spec', 'replicas') ?? 1;
  const replicas = numberAt(object, 'status', 'replicas') ?? 0;
  const updated = numberAt(object, 'status', 'updatedReplicas') ?? 0;
  const available = numberAt(object, 'status', 'availableReplicas') ?? 0;

  if (valueAt(object, 'spec', 'paused') === true) {
    return current(`rollout paused: ${updated} of ${count(desired, 'replica')} updated`);
  }
  const progressing = conditionOf(object, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return failed(describeCondition(progressing));
  const failure = replicaFailure(object);
  if (failure !== undefined) return failure;

  if (updated < desired) return inProgress(`${updated} of ${count(desired, 'replica')} updated`);
  if (replicas > desired) {
    return inProgress(`waiting for ${count(replicas - desired, 'old replica')} to terminate`);
  }
  if (available < updated) {
    return inProgress(`waiting for ${updated - available} of ${count(updated, 'replica')} to be available`);
  }
  if (desired === 0) return current('scaled to zero');
  return current(`${count(desired, 'replica')} updated and available`);
}

export function assessReplicaSet(object: KubeObject): Health {
  const unobserved = neverObserved(object);
  if (unobserved !== undefined) return unobserved;
  const failure = replicaFailure(object);
  if (failure !== undefined) return failure;

  const desired = numberAt(object, 'spec', 'replicas') ?? 1;
  const replicas = numberAt(object, 'status', 'replicas') ?? 0;
  const available = numberAt(object, 'status', 'availableReplicas') ?? 0;

  if (replicas < desired) return inProgress(`${replicas} of ${count(desired, 'replica')} created`);
  if (replicas > desired) {
    return inProgress(`waiting for ${count(replicas - desired, 'surplus replica')} to terminate`);
  }
  if (available < desired) {
    return inProgress(`waiting for ${desired - available} of ${count(desired, 'replica')} to be available`);
  }
  return current(`${count(desired, 'replica')} available`);
}
