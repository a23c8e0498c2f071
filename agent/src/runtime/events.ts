// Kubernetes Events about the GitSync: what `kubectl describe gitsync` and `kubectl get events` show.
// Messages are bounded and never carry values from objects (Secret data could be among them).
import { randomBytes } from 'node:crypto';
import type { KubeApi, KubeObject } from '../kube/index.ts';
import { bounded } from '../gitsync/status.ts';

export const EVENT_REASONS = [
  'SyncFailed',
  'Applied',
  'Pruned',
  'DriftDetected',
  'DriftHealed',
  'DeletionBudgetHit',
  'HistoryRewritten',
  'InvalidSpec',
] as const;
export type EventReason = (typeof EVENT_REASONS)[number];

export interface SyncEvent {
  readonly reason: EventReason;
  readonly type: 'Normal' | 'Warning';
  readonly message: string;
}

const COMPONENT = 'ferry-agent';

/** Records the event on `about`; an Event that cannot be written is not a reason to fail a sync. */
export async function recordEvent(
  kube: KubeApi,
  about: KubeObject,
  event: SyncEvent,
  reportingInstance: string,
  now = new Date(),
): Promise<boolean> {
  const namespace = about.metadata.namespace ?? 'default';
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  try {
    await kube.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${about.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        apiVersion: about.apiVersion,
        kind: about.kind,
        name: about.metadata.name,
        namespace,
        ...(about.metadata.uid !== undefined ? { uid: about.metadata.uid } : {}),
        ...(about.metadata.resourceVersion !== undefined
          ? { resourceVersion: about.metadata.resourceVersion }
          : {}),
      },
      reason: event.reason,
      message: bounded(event.message),
      type: event.type,
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      reportingInstance,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    });
    return true;
  } catch {
    return false;
  }
}
