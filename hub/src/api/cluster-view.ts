// A cluster as the API shows it: the stored record plus what is live (connected to this hub, stale) and,
// while a recovery is recorded, how many of the recorded objects are back.
import type { Cluster, Store } from '../store/index.ts';
import type { AppDeps } from './deps.ts';
import { clusterNotFound } from './errors.ts';
import { clusterJson, type ClusterJson } from './json.ts';
import { clusterIsStale } from './stale.ts';

/** A converter for one request: the clock is read once, so one answer has one idea of "now". */
export function clusterView(
  deps: Pick<AppDeps, 'store' | 'channel' | 'now' | 'config'>,
): (cluster: Cluster) => ClusterJson {
  const now = deps.now();
  return (cluster) =>
    clusterJson(cluster, {
      connected: deps.channel.isConnected(cluster.name),
      stale: clusterIsStale(cluster, now, deps.config),
      objectsBack:
        cluster.recovery === undefined ? undefined : deps.store.recoveryProgress(cluster.name)?.back,
      readiness: deps.store.readinessSummary(cluster.name),
    });
}

/** The cluster of that name, or a 404. */
export function requireCluster(store: Store, name: string): Cluster {
  const cluster = store.getCluster(name);
  if (cluster === undefined) throw clusterNotFound(name);
  return cluster;
}
