// The agent's enrollment exchange: its one-time token (the authority; no API token) and the digest of
// the credential it generated and stored → the cluster's name. A retry with the same digest is harmless
// until the agent first connects; any refusal is a 403 with the reason.
import { Hono } from 'hono';
import { digest } from '../../crypto.ts';
import type { RedeemRefusal } from '../../store/index.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { enrollBodySchema, noQuerySchema } from '../schemas.ts';
import { readBody, readQuery } from '../validate.ts';

const REFUSAL_MESSAGES: Readonly<Record<RedeemRefusal, string>> = {
  unknown: 'the enrollment token is not one this hub issued',
  expired: 'the enrollment token expired before it was used; issue a new one for the cluster',
  used: 'the enrollment token was already traded for another credential, or its agent has connected',
  superseded: 'the enrollment token was replaced by a newer one for the cluster',
  'credential-in-use': 'credentialDigest: belongs to a credential already; the agent must generate a new one',
};

export function enrollRoutes({ store, now, log, events }: AppDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/enroll', async (c) => {
    readQuery(c, noQuerySchema);
    const body = await readBody(c, enrollBodySchema);
    const result = store.redeemEnrollment(digest(body.token), body.credentialDigest, now());
    if (!result.ok) {
      log.warn('enrollment refused', { reason: result.reason });
      throw new ApiError('enrollment-refused', REFUSAL_MESSAGES[result.reason], { reason: result.reason });
    }
    events?.changed([result.cluster]);
    log.info('agent enrolled', { cluster: result.cluster, repeated: result.repeated });
    return c.json({ cluster: result.cluster });
  });

  return routes;
}
