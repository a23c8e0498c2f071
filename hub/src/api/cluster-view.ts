// A cluster as the API shows it: the stored record plus what is live (connected to this hub, stale) and,
// while a recovery is recorded, how many of the recorded objects are back.
import type { Cluster, ReadinessSummary, Store } from '../store/index.ts';
import type { AppDeps } from './deps.ts';
import { clusterNotFound } from './errors.ts';
import { clusterJson, type ClusterJson } from './json.ts';
import { clusterIsStale } from './stale.ts';

type ViewDeps = Pick<AppDeps, 'store' | 'channel' | 'now' | 'config'>;

export interface ClusterViewOptions {
  /**
   * The readiness summaries already read (store.readinessSummaries) for every cluster this view will
   * show: one missing from the map has no report. Without it, each cluster's summary is read alone.
   */
  readonly readiness?: ReadonlyMap<string, ReadinessSummary>;
}

/** A converter for one request: the clock is read once, so one answer has one idea of "now". */
export function clusterView(
  deps: ViewDeps,
  options: ClusterViewOptions = {},
): (cluster: Cluster) => ClusterJson {
  const now = deps.now();
  const { readiness } = options;
  return (cluster) =>
    clusterJson(cluster, {
      connected: deps.channel.isConnected(cluster.name),
      stale: clusterIsStale(cluster, now, deps.config),
      objectsBack:
        cluster.recovery === undefined ? undefined : deps.store.recoveryProgress(cluster.name)?.back,
      readiness:
        readiness === undefined ? deps.store.readinessSummary(cluster.name) : readiness.get(cluster.name),
    });
}

/** A converter for a page of clusters: their readiness summaries read first, in one statement. */
export function clusterPageView(
  deps: ViewDeps,
  clusters: readonly Cluster[],
): (cluster: Cluster) => ClusterJson {
  return clusterView(deps, {
    readiness: deps.store.readinessSummaries(clusters.map((cluster) => cluster.name)),
  });
}

/** The cluster of that name, or a 404. */
export function requireCluster(store: Store, name: string): Cluster {
  const cluster = store.getCluster(name);
  if (cluster === undefined) throw clusterNotFound(name);
  return cluster;
}
