// The fleet: clusters filtered (label selector, health, sync result, state, stale) and paged by name,
// and the summary counts.
import { Hono } from 'hono';
import type { ClusterQuery } from '../../store/index.ts';
import { clusterPageView } from '../cluster-view.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { pageJson } from '../json.ts';
import { clusterListQuerySchema, noQuerySchema, PAGE_DEFAULT } from '../schemas.ts';
import { staleBefore } from '../stale.ts';
import { readQuery } from '../validate.ts';

export function clusterListRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, channel, config } = deps;
  const routes = new Hono<AppEnv>();

  routes.get('/clusters', (c) => {
    const query = readQuery(c, clusterListQuerySchema);
    const before = staleBefore(deps.now(), config);
    // During the grace period after a start no cluster is stale: `stale=true` finds none.
    if (query.stale === true && before === undefined) return c.json({ items: [] });
    const storeQuery: ClusterQuery = {
      labelSelector: query.selector,
      health: query.health,
      syncState: query.sync,
      state: query.state,
      stale: query.stale === true && before !== undefined ? { olderThan: before } : undefined,
      fresh: query.stale === false && before !== undefined ? { since: before } : undefined,
      after: query.after,
      limit: query.limit ?? PAGE_DEFAULT,
    };
    const page = store.listClusters(storeQuery);
    return c.json(pageJson(page, clusterPageView(deps, page.items)));
  });

  routes.get('/summary', (c) => {
    readQuery(c, noQuerySchema);
    const now = deps.now();
    const counts = store.summaryCounts(now, config.staleAfterMs);
    const connected = store.clusterNames().filter((name) => channel.isConnected(name)).length;
    return c.json({
      total: counts.total,
      byState: counts.byState,
      byHealth: counts.byHealth,
      bySync: counts.bySync,
      stale: staleBefore(now, config) === undefined ? 0 : counts.stale,
      connected,
    });
  });

  return routes;
}
