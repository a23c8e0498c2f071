// Jobs and CronJobs (batch/v1, and batch/v1beta1 CronJobs on Kubernetes 1.20, which have the same
// fields). A Job is InProgress until it completes: a sync that ships a migration Job waits for it, as
// Argo CD does (kstatus calls a started Job Current). A CronJob is Current once applied: its controller
// reports no convergence, and the Jobs it spawns later belong to no sync. A suspended Job or CronJob is
// Current, like a paused Deployment: suspending is what Git asked for.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import {
  conditionsOf,
  count,
  current,
  failed,
  inProgress,
  numberAt,
  stringAt,
  valueAt,
  type Condition,
} from './rule.ts';

function trueCondition(conditions: readonly Condition[], ...types: readonly string[]): Condition | undefined {
  return conditions.find((condition) => types.includes(condition.type) && condition.status === 'True');
}

export function assessJob(object: KubeObject): Health {
  const conditions = conditionsOf(object);
  const succeeded = numberAt(object, 'status', 'succeeded') ?? 0;
  const active = numberAt(object, 'status', 'active') ?? 0;

  // FailureTarget: the controller has decided the Job failed and is terminating its pods (1.27+).
  const failure = trueCondition(conditions, 'Failed', 'FailureTarget');
  if (failure !== undefined) return failed(failure.message || failure.reason || 'failed');
  if (trueCondition(conditions, 'Complete') !== undefined) {
    return current(`completed: ${count(succeeded, 'pod')} succeeded`);
  }
  if (trueCondition(conditions, 'Suspended') !== undefined || valueAt(object, 'spec', 'suspend') === true) {
    return current('suspended');
  }
  if (stringAt(object, 'status', 'startTime') === undefined) return inProgress('waiting to start');

  const completions = numberAt(object, 'spec', 'completions');
  return completions === undefined
    ? inProgress(`waiting for completion (${active} active)`)
    : inProgress(
        `waiting for ${Math.max(0, completions - succeeded)} of ${count(completions, 'completion')} (${active} active)`,
      );
}

export function assessCronJob(object: KubeObject): Health {
  const schedule = stringAt(object, 'spec', 'schedule') ?? '';
  if (valueAt(object, 'spec', 'suspend') === true) return current(`suspended (schedule "${schedule}")`);
  const lastScheduled = stringAt(object, 'status', 'lastScheduleTime');
  return lastScheduled === undefined
    ? current(`scheduled "${schedule}"; not run yet`)
    : current(`scheduled "${schedule}"; last run at ${lastScheduled}`);
}
