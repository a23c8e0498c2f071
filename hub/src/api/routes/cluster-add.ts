// Adding a cluster (a pending registry entry and its first one-time enrollment token), and a new token
// for an existing cluster (earlier ones stop working). Each token is in this answer and nowhere else.
import { Hono } from 'hono';
import { clusterView } from '../cluster-view.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { issueEnrollment } from '../enrollment-token.ts';
import { ApiError } from '../errors.ts';
import { clusterNameSchema, createClusterBodySchema, noQuerySchema } from '../schemas.ts';
import { readBody, readParam, readQuery } from '../validate.ts';

export function clusterAddRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, log } = deps;
  const routes = new Hono<AppEnv>();

  routes.post('/clusters', async (c) => {
    readQuery(c, noQuerySchema);
    const body = await readBody(c, createClusterBodySchema);
    const created = store.createCluster(body, deps.now());
    if (!created.ok) throw new ApiError('conflict', `cluster ${body.name} already exists`);
    const enrollment = issueEnrollment(deps, body.name);
    deps.events?.changed([body.name]);
    const by = c.get('caller').name;
    log.info('cluster added', { cluster: body.name, by, repo: body.repo, ref: body.ref, path: body.path });
    return c.json({ cluster: clusterView(deps)(created.cluster), enrollment }, 201);
  });

  routes.post('/clusters/:name/enrollment', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    readQuery(c, noQuerySchema);
    const enrollment = issueEnrollment(deps, name);
    log.info('enrollment token issued', {
      cluster: name,
      by: c.get('caller').name,
      expiresAt: enrollment.expiresAt,
    });
    return c.json(enrollment, 201);
  });

  return routes;
}
