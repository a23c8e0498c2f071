// A cluster's install manifest at its one-time token's URL. The token is the authority (no API token)
// and is looked up, not used: the agent uses it when it enrolls. A token that can no longer enroll
// (unknown, expired, used, superseded) serves nothing.
import { Hono } from 'hono';
import { digest } from '../../crypto.ts';
import type { EnrollmentTokenRefusal } from '../../store/index.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { ApiError } from '../errors.ts';

const WHY_NOT: Readonly<Record<EnrollmentTokenRefusal, string>> = {
  unknown: 'is not one this hub issued',
  expired: 'has expired',
  used: 'has been used',
  superseded: 'was replaced by a newer one',
};

/** Tokens the hub makes are 47 characters (a prefix and base64url); a longer path is not looked up. */
const INSTALL_TOKEN_MAX = 256;

export function installRoutes({ store, now, renderInstall, log }: AppDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/install/:token', (c) => {
    const token = c.req.param('token');
    const lookup =
      token.length <= INSTALL_TOKEN_MAX
        ? store.enrollmentTokenCluster(digest(token), now())
        : ({ ok: false, reason: 'unknown' } as const);
    if (!lookup.ok) {
      throw new ApiError(
        'not-found',
        `no install manifest: the enrollment token ${WHY_NOT[lookup.reason]}; issue a new one for the cluster`,
      );
    }
    const manifest = renderInstall(lookup.cluster, token);
    log.info('install manifest served', { cluster: lookup.cluster.name });
    return c.body(manifest, 200, { 'Content-Type': 'application/yaml' });
  });

  return routes;
}
