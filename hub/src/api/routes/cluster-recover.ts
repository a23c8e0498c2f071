// Disaster recovery of a cluster: the old credential is revoked (an agent still connected with it is cut
// off, and refused when it comes back), what the hub knew of the cluster is recorded as the target, and a
// one-time install manifest is issued for the new cluster. Nothing is sent to any cluster: the new one is
// rebuilt from Git by the agent the manifest installs.
import { Hono } from 'hono';
import { clusterView, requireCluster } from '../cluster-view.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { issueEnrollment } from '../enrollment-token.ts';
import { clusterNotFound } from '../errors.ts';
import { clusterNameSchema, noQuerySchema } from '../schemas.ts';
import { readParam, readQuery } from '../validate.ts';

export function clusterRecoverRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, log } = deps;
  const routes = new Hono<AppEnv>();

  routes.post('/clusters/:name/recover', (c) => {
    const name = readParam(c, 'name', clusterNameSchema);
    readQuery(c, noQuerySchema);
    const began = store.beginRecovery(name, deps.now());
    if (!began.ok) throw clusterNotFound(name);
    deps.channel.disconnect(name, 'the cluster is being recovered: its credential was revoked');
    const enrollment = issueEnrollment(deps, name);
    deps.recoveries?.began(name);
    deps.events?.changed([name]);
    log.info(began.started ? 'cluster recovery begun' : 'cluster recovery: a new install manifest', {
      cluster: name,
      by: c.get('caller').name,
      expectedObjects: began.expectedObjects,
      recordedRevision: began.recordedRevision ?? null,
      revokedCredentials: began.revokedCredentials,
    });
    return c.json(
      {
        cluster: clusterView(deps)(requireCluster(store, name)),
        enrollment,
        recovery: {
          started: began.started,
          revokedCredentials: began.revokedCredentials,
          expectedObjects: began.expectedObjects,
          recordedRevision: began.recordedRevision ?? null,
        },
      },
      201,
    );
  });

  return routes;
}
