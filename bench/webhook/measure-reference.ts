// The API server's own time for the same change: the ConfigMap's file with the run's value, applied to
// a copy in a namespace the agent does not manage, timed the same way (start → the watch delivers it):
//   kubectl:   `kubectl apply --server-side --field-manager=bench-ref -f <file>` (kubectl's start-up,
//              discovery from its cache and the PATCH): what the issue calls the API server's own time;
//   ssa-patch: the same server-side apply as one PATCH over a kept-alive connection: the API server alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLUSTER,
  OBJECT,
  REFERENCE_MANAGER,
  REFERENCE_NAMESPACE,
  settings,
  type BenchFleet,
} from './fleet.ts';
import { waitAtRest } from './rest.ts';
import { watchValue } from './value-watch.ts';

export const REFERENCE_PATHS = ['kubectl', 'ssa-patch'] as const;
export type ReferencePath = (typeof REFERENCE_PATHS)[number];

export interface ReferenceRun {
  readonly path: ReferencePath;
  readonly value: string;
  readonly rested: boolean;
  /** Start → the value visible through the API server: the measure. */
  readonly appliedMs: number;
  /** Start → kubectl's exit, or the PATCH's answer. */
  readonly answeredMs: number;
}

export interface ReferenceRunOptions {
  readonly path: ReferencePath;
  readonly value: string;
  /** Where the kubectl run writes its file. */
  readonly dir: string;
}

const OBJECT_PATH = `/api/v1/namespaces/${REFERENCE_NAMESPACE}/configmaps/${OBJECT}`;

/** Creates the reference ConfigMap (a watch opened later starts with it), with kubectl, as the runs do. */
export async function createReference(bench: BenchFleet, dir: string): Promise<void> {
  await kubectlApply(bench, referenceFile(dir, 'initial'));
}

/** Writes the reference ConfigMap's file with `value`; answers its path. */
function referenceFile(dir: string, value: string): string {
  const file = join(dir, `reference-${value}.yaml`);
  writeFileSync(file, settings(REFERENCE_NAMESPACE, value));
  return file;
}

async function kubectlApply(bench: BenchFleet, file: string): Promise<void> {
  await bench.harness.kubectl(CLUSTER, [
    'apply',
    '--server-side',
    `--field-manager=${REFERENCE_MANAGER}`,
    '-f',
    file,
  ]);
}

/** The manifest as JSON, which an apply patch (application/apply-patch+yaml) also takes. */
function applyBody(value: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: OBJECT, namespace: REFERENCE_NAMESPACE },
    data: { key: value },
  };
}

export async function measureReference(
  bench: BenchFleet,
  options: ReferenceRunOptions,
): Promise<ReferenceRun> {
  const { path, value, dir } = options;
  const rested = await waitAtRest(
    { agentPid: bench.agent.pid, serverPids: bench.serverPids },
    `the ${path} run for ${value}`,
  );
  const watch = await watchValue(bench.http, REFERENCE_NAMESPACE, OBJECT);
  const file = referenceFile(dir, value);
  try {
    const start = Date.now();
    if (path === 'kubectl') await kubectlApply(bench, file);
    else
      await bench.http.patch(`${OBJECT_PATH}?fieldManager=${REFERENCE_MANAGER}`, applyBody(value), 'apply');
    const answered = Date.now();
    const visible = await watch.seen(value, 60_000);
    return { path, value, rested, appliedMs: visible - start, answeredMs: answered - start };
  } finally {
    await watch.close();
  }
}
