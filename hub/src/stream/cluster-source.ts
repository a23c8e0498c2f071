// The clusters as the stream shows them: read from the store and made into the API's JSON with what is
// live (connected to this hub, stale now), exactly as the list and detail routes show them.
import { clusterPageView } from '../api/cluster-view.ts';
import type { AppDeps } from '../api/deps.ts';
import type { ClusterJson } from '../api/json.ts';
import { PAGE_MAX } from '../api/schemas.ts';

export interface ClusterSource {
  /** These clusters now, by name, in one read; one that no longer exists is absent. */
  readMany(names: readonly string[]): Map<string, ClusterJson>;
  /** A page of clusters in name order, only those with every label of `selector`. */
  page(
    selector: Readonly<Record<string, string>> | undefined,
    after: string | undefined,
    limit: number,
  ): { readonly items: readonly ClusterJson[]; readonly next?: string | undefined };
}

export function storeClusterSource(
  deps: Pick<AppDeps, 'store' | 'channel' | 'now' | 'config'>,
): ClusterSource {
  const { store } = deps;
  return {
    readMany: (names) => {
      const clusters = store.getClusters(names);
      const view = clusterPageView(deps, clusters);
      return new Map(clusters.map((cluster) => [cluster.name, view(cluster)]));
    },
    page: (selector, after, limit) => {
      const page = store.listClusters({ labelSelector: selector, after, limit: Math.min(limit, PAGE_MAX) });
      return { items: page.items.map(clusterPageView(deps, page.items)), next: page.next };
    },
  };
}
