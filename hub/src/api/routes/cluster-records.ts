// What the hub keeps about one cluster's objects and syncs: its resources (filtered, paged), its sync
// history (newest first, paged), its drift, its events (newest first) and its DR readiness. Unknown
// cluster: 404.
import { Hono } from 'hono';
import { requireCluster } from '../cluster-view.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { driftJson, eventJson, pageJson, readinessJson, resourceJson, syncJson } from '../json.ts';
import {
  clusterNameSchema,
  limitQuerySchema,
  noQuerySchema,
  PAGE_DEFAULT,
  pageQuerySchema,
  resourceQuerySchema,
} from '../schemas.ts';
import { readParam, readQuery } from '../validate.ts';

export function clusterRecordRoutes({ store }: AppDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/clusters/:name/resources', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    const query = readQuery(c, resourceQuerySchema);
    requireCluster(store, name);
    const page = store.resources(name, { ...query, limit: query.limit ?? PAGE_DEFAULT });
    return c.json(pageJson(page, resourceJson));
  });

  routes.get('/clusters/:name/readiness', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    readQuery(c, noQuerySchema);
    requireCluster(store, name);
    const readiness = store.readiness(name);
    return c.json({ readiness: readiness === undefined ? null : readinessJson(readiness) });
  });

  routes.get('/clusters/:name/history', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    const query = readQuery(c, pageQuerySchema);
    requireCluster(store, name);
    // The API's cursor is always `after` (the next page); history pages go back in time.
    const page = store.history(name, { limit: query.limit ?? PAGE_DEFAULT, before: query.after });
    return c.json(pageJson(page, syncJson));
  });

  routes.get('/clusters/:name/drift', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    const query = readQuery(c, limitQuerySchema);
    requireCluster(store, name);
    return c.json({ items: store.drift(name, { limit: query.limit ?? PAGE_DEFAULT }).map(driftJson) });
  });

  routes.get('/clusters/:name/events', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    const query = readQuery(c, limitQuerySchema);
    requireCluster(store, name);
    return c.json({ items: store.events(name, { limit: query.limit ?? PAGE_DEFAULT }).map(eventJson) });
  });

  return routes;
}
