// Which re-read clusters changed for the fleet view: a small digest per cluster of its API JSON as last
// sent, so a cluster re-read after every commit yields an event only when something shown changed.
// `lastHeardAt` is left out of the digest: it moves with every heartbeat, and what it means for the
// view (stale or not, connected or not) has fields of its own.
import { createHash } from 'node:crypto';
import type { ClusterJson } from '../api/json.ts';

export type ClusterChange =
  | { readonly kind: 'changed'; readonly cluster: ClusterJson }
  | {
      readonly kind: 'deleted';
      readonly name: string;
      /** Its labels when it was last seen, for subscribers that filter by selector. */
      readonly labels: Readonly<Record<string, string>>;
    };

interface Known {
  readonly digest: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ChangeDetector {
  /** Remembers a cluster as already shown (at the start), without a change. */
  seed(cluster: ClusterJson): void;
  /** The change a re-read shows (undefined: the cluster no longer exists); undefined when none. */
  observe(name: string, cluster: ClusterJson | undefined): ClusterChange | undefined;
  readonly size: number;
}

/** A short digest of what the fleet view shows of a cluster (everything but lastHeardAt). */
export function viewDigest(cluster: ClusterJson): string {
  // An undefined field is left out as the replacer function did, and JSON.stringify keeps its fast
  // path (this runs for every re-read).
  const text = JSON.stringify({ ...cluster, lastHeardAt: undefined });
  return createHash('sha1').update(text, 'utf8').digest('base64');
}

export function createChangeDetector(): ChangeDetector {
  const known = new Map<string, Known>();
  return {
    seed: (cluster) => {
      known.set(cluster.name, { digest: viewDigest(cluster), labels: cluster.labels });
    },
    observe: (name, cluster) => {
      const before = known.get(name);
      if (cluster === undefined) {
        if (before === undefined) return undefined;
        known.delete(name);
        return { kind: 'deleted', name, labels: before.labels };
      }
      const digest = viewDigest(cluster);
      if (before?.digest === digest) return undefined;
      known.set(name, { digest, labels: cluster.labels });
      return { kind: 'changed', cluster };
    },
    get size() {
      return known.size;
    },
  };
}
