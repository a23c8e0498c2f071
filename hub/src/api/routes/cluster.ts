// One cluster: its detail, its removal, and a refresh hint to its agent (fetch now; never what to run).
import { BOUNDS } from '@ferry/shared/protocol';
import { Hono } from 'hono';
import { clusterView, requireCluster } from '../cluster-view.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { clusterNotFound } from '../errors.ts';
import { clusterNameSchema, noQuerySchema } from '../schemas.ts';
import { readParam, readQuery } from '../validate.ts';

export function clusterRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, channel, log } = deps;
  const routes = new Hono<AppEnv>();

  routes.get('/clusters/:name', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    readQuery(c, noQuerySchema);
    return c.json(clusterView(deps)(requireCluster(store, name)));
  });

  routes.delete('/clusters/:name', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    readQuery(c, noQuerySchema);
    if (!store.deleteCluster(name)) throw clusterNotFound(name);
    // Its credential is gone with it: an agent still connected is cut off now, not at its next connect.
    deps.channel.disconnect(name, 'the cluster was deleted from the hub');
    deps.events?.changed([name]);
    log.info('cluster deleted', { cluster: name, by: c.get('caller').name });
    return c.body(null, 204);
  });

  routes.post('/clusters/:name/refresh', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    readQuery(c, noQuerySchema);
    requireCluster(store, name);
    const by = c.get('caller').name;
    const sent = channel.refresh(name, `asked for through the API by ${by}`.slice(0, BOUNDS.reason));
    log.info('refresh hint', { cluster: name, by, sent });
    return c.json({ sent }, 202);
  });

  return routes;
}
