// The defaults Kubernetes users rely on, applied to a copy of each object: namespaced objects without
// a namespace get the sync's target namespace; ports without `protocol` get TCP in Services and in the
// containers and initContainers of every pod template (the 1.20 API server's server-side apply refuses
// a port list entry that omits its key field `protocol`; Flux sets the same default).
import type { Manifest } from './types.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function defaultProtocols(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const port of ports) {
    if (isObject(port) && (port.protocol === undefined || port.protocol === null)) port.protocol = 'TCP';
  }
}

function defaultPodSpec(podSpec: unknown): void {
  if (!isObject(podSpec)) return;
  for (const list of [podSpec.containers, podSpec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const container of list) if (isObject(container)) defaultProtocols(container.ports);
  }
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Where each built-in workload kind (`group/Kind`) keeps its pod spec; custom resources are left alone. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  '/Pod': ['spec'],
  '/PodTemplate': ['template', 'spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function defaultPortProtocols(manifest: Manifest, group: string): void {
  if (group === '' && manifest.kind === 'Service') defaultProtocols(at(manifest, 'spec', 'ports'));
  const path = POD_SPEC_PATHS[`${group}/${manifest.kind}`];
  if (path !== undefined) defaultPodSpec(at(manifest, ...path));
}
