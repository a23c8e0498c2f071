// The resource state every simulated agent reports: N resources of a small fleet app (Deployments,
// Services, ConfigMaps... in ten namespaces), all Current but one that is rolling out. The state moves by
// steps: at step p, resource p mod N is InProgress; a delta moves it to step p + 1 (that resource back to
// Current, the next one InProgress). Every agent runs the same app, so the N states, their digests and
// their snapshot JSON are made once and shared: the generator spends its CPU on the wire, not on this.
import { snapshotDigest, type ResourceSummary } from '../../shared/src/protocol/index.ts';

const KINDS = [
  { group: 'apps', version: 'v1', kind: 'Deployment' },
  { group: '', version: 'v1', kind: 'Service' },
  { group: '', version: 'v1', kind: 'ConfigMap' },
  { group: '', version: 'v1', kind: 'ServiceAccount' },
  { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding' },
] as const;

export interface StateTable {
  readonly size: number;
  /** The digest of the state at step p (p taken mod size). */
  digest(step: number): string;
  /** The JSON array of every resource at step p, as a snapshot's `resources`. */
  resourcesJson(step: number): string;
  /** The JSON of the two upserts of the delta from step p to p + 1, comma-separated. */
  deltaUpsertsJson(step: number): string;
}

function resource(index: number, rolling: boolean): ResourceSummary {
  const kind = KINDS[index % KINDS.length] ?? KINDS[0];
  const ref = {
    group: kind.group,
    version: kind.version,
    kind: kind.kind,
    namespace: `team-${String(index % 10)}`,
    name: `app-${String(Math.floor(index / KINDS.length))}-${kind.kind.toLowerCase()}`,
  };
  if (rolling) {
    return {
      ref,
      health: 'InProgress',
      healthMessage: '1 of 2 replicas updated',
      lastAction: 'configured',
      drifted: false,
    };
  }
  return kind.kind === 'Deployment'
    ? {
        ref,
        health: 'Current',
        healthMessage: 'all 2 replicas available',
        lastAction: 'unchanged',
        drifted: false,
      }
    : { ref, health: 'Current', lastAction: 'unchanged', drifted: false };
}

export function createStateTable(size: number): StateTable {
  const current = Array.from({ length: size }, (_, index) => JSON.stringify(resource(index, false)));
  const rolling = Array.from({ length: size }, (_, index) => JSON.stringify(resource(index, true)));
  const digests = new Map<number, string>();
  const snapshots = new Map<number, string>();
  const at = (step: number): number => ((step % size) + size) % size;
  const stateOf = (step: number): ResourceSummary[] =>
    Array.from({ length: size }, (_, index) => resource(index, index === at(step)));
  return {
    size,
    digest: (step) => {
      const key = at(step);
      let digest = digests.get(key);
      if (digest === undefined) {
        digest = snapshotDigest(stateOf(key));
        digests.set(key, digest);
      }
      return digest;
    },
    resourcesJson: (step) => {
      const key = at(step);
      let json = snapshots.get(key);
      if (json === undefined) {
        json = `[${current.map((line, index) => (index === key ? rolling[index] : line)).join(',')}]`;
        snapshots.set(key, json);
      }
      return json;
    },
    deltaUpsertsJson: (step) => {
      const from = at(step);
      const to = at(step + 1);
      return `${current[from] ?? ''},${rolling[to] ?? ''}`;
    },
  };
}
