// The rules every object goes through before its kind's own (deletion, then whether its controller has
// seen the latest spec), and the rule for every kind without one of its own: custom resources, config,
// RBAC. The generic rule reads kstatus' standard conditions and the common Ready / Available ones.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import {
  conditionsOf,
  current,
  describeCondition,
  failed,
  inProgress,
  numberAt,
  stringAt,
  valueAt,
  type Condition,
} from './rule.ts';

/** A Ready or Available condition that is not True fails when its reason says so ("InstallFailed"). */
const FAILED_REASON = /fail/i;

/** Terminating once deletion was requested, whatever the kind; the message names what holds it. */
export function terminating(object: KubeObject): Health | undefined {
  if (stringAt(object, 'metadata', 'deletionTimestamp') === undefined) return undefined;
  const finalizers = object.metadata.finalizers ?? [];
  return {
    status: 'Terminating',
    message:
      finalizers.length === 0
        ? 'being deleted'
        : `being deleted; waiting for finalizers: ${finalizers.join(', ')}`,
  };
}

/** InProgress while `status.observedGeneration` is behind `metadata.generation` (when both are set). */
export function generationBehind(object: KubeObject): Health | undefined {
  const generation = numberAt(object, 'metadata', 'generation');
  const observed = numberAt(object, 'status', 'observedGeneration');
  if (generation === undefined || observed === undefined || observed >= generation) return undefined;
  return inProgress(`waiting for the controller to observe generation ${generation} (observed ${observed})`);
}

/**
 * InProgress while a controller that always reports `status.observedGeneration` (the workload
 * controllers) has not reported it yet: it has not looked at the object at all.
 */
export function neverObserved(object: KubeObject): Health | undefined {
  if (numberAt(object, 'status', 'observedGeneration') !== undefined) return undefined;
  const generation = numberAt(object, 'metadata', 'generation') ?? 1;
  return inProgress(`waiting for the controller to observe generation ${generation}`);
}

function findTrue(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((condition) => condition.type === type && condition.status === 'True');
}

/**
 * The rule for kinds without their own, after deletion and generation:
 * 1. `Stalled`=True → Failed; `Reconciling`=True → InProgress (kstatus' abnormal-true conditions).
 * 2. `Ready`, else `Available`: True → Current; False or Unknown → InProgress, or Failed when the
 *    reason says it failed.
 * 3. No such condition → Current: an object with nothing to wait for is done once applied.
 */
export function assessGeneric(object: KubeObject): Health {
  const conditions = conditionsOf(object);
  const stalled = findTrue(conditions, 'Stalled');
  if (stalled !== undefined) return failed(describeCondition(stalled));
  const reconciling = findTrue(conditions, 'Reconciling');
  if (reconciling !== undefined) return inProgress(describeCondition(reconciling, 'reconciling'));

  const ready =
    conditions.find((condition) => condition.type === 'Ready') ??
    conditions.find((condition) => condition.type === 'Available');
  if (ready !== undefined) {
    if (ready.status === 'True') {
      return current(ready.message === '' ? ready.type : `${ready.type}: ${ready.message}`);
    }
    if (FAILED_REASON.test(ready.reason)) return failed(describeCondition(ready));
    const why = describeCondition(ready, '');
    return inProgress(why === '' ? `waiting for ${ready.type}` : `waiting for ${ready.type}: ${why}`);
  }
  return valueAt(object, 'status') === undefined
    ? current('applied; no status to wait for')
    : current('applied; no Ready or Available condition to wait for');
}
