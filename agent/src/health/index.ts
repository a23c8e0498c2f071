// Health: is a live object what Git asked for yet? assessHealth judges one object, purely, in kstatus'
// vocabulary (@ferry/shared's Health): deletion first, then a stale generation, then the rule its kind
// is registered for, else the generic rule. Rules are looked up by API group and kind, never by
// version, so apps/v1beta2 Deployments and batch/v1beta1 CronJobs follow the same rules as the newest.
// Rolling many up into one is @ferry/shared's rollUpHealth.
import { parseApiVersion, type Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { assessAPIService, assessCustomResourceDefinition } from './api-registration.ts';
import { assessCronJob, assessJob } from './batch.ts';
import { assessDeployment, assessReplicaSet } from './deployment.ts';
import { assessGeneric, generationBehind, terminating } from './generic.ts';
import { assessIngress, assessService } from './networking.ts';
import { assessNamespace, assessPersistentVolumeClaim } from './phase.ts';
import { assessPod } from './pod.ts';
import type { HealthRule } from './rule.ts';
import { assessDaemonSet, assessStatefulSet } from './statefulset-daemonset.ts';

export type { HealthRule } from './rule.ts';

/** The key of a kind in HEALTH_RULES: `Kind` in the core group, `group/Kind` elsewhere. */
export function ruleKey(group: string, kind: string): string {
  return group === '' ? kind : `${group}/${kind}`;
}

/** The kinds with a rule of their own; every other kind gets the generic rule. */
export const HEALTH_RULES: ReadonlyMap<string, HealthRule> = new Map<string, HealthRule>([
  ['apps/Deployment', assessDeployment],
  ['extensions/Deployment', assessDeployment],
  ['apps/ReplicaSet', assessReplicaSet],
  ['extensions/ReplicaSet', assessReplicaSet],
  ['apps/StatefulSet', assessStatefulSet],
  ['apps/DaemonSet', assessDaemonSet],
  ['extensions/DaemonSet', assessDaemonSet],
  ['Pod', assessPod],
  ['batch/Job', assessJob],
  ['batch/CronJob', assessCronJob],
  ['Service', assessService],
  ['networking.k8s.io/Ingress', assessIngress],
  ['extensions/Ingress', assessIngress],
  ['PersistentVolumeClaim', assessPersistentVolumeClaim],
  ['Namespace', assessNamespace],
  ['apiextensions.k8s.io/CustomResourceDefinition', assessCustomResourceDefinition],
  ['apiregistration.k8s.io/APIService', assessAPIService],
]);

/** The rule that judges objects of this apiVersion and kind (the generic rule when none is registered). */
export function healthRuleFor(apiVersion: string, kind: string): HealthRule {
  return HEALTH_RULES.get(ruleKey(parseApiVersion(apiVersion).group, kind)) ?? assessGeneric;
}

/**
 * The health of one live object (as the API server returned it, status included):
 * 1. a deletionTimestamp → Terminating, whatever the kind;
 * 2. status.observedGeneration behind metadata.generation → InProgress;
 * 3. the kind's rule, or the generic rule (Stalled, Reconciling, Ready / Available conditions).
 */
export function assessHealth(object: KubeObject): Health {
  return (
    terminating(object) ?? generationBehind(object) ?? healthRuleFor(object.apiVersion, object.kind)(object)
  );
}
