// People's API tokens: create (the token is in this answer only), list (names and roles, never tokens
// or digests), revoke by name (the token stops working at once; its name is free again).
import { Hono } from 'hono';
import { digest, newToken } from '../../crypto.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { apiTokenJson } from '../json.ts';
import { createTokenBodySchema, noQuerySchema, tokenNameSchema } from '../schemas.ts';
import { readBody, readParam, readQuery } from '../validate.ts';

export function tokenRoutes({ store, now, log }: AppDeps): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.post('/tokens', async (c) => {
    readQuery(c, noQuerySchema);
    const { name, role } = await readBody(c, createTokenBodySchema);
    const token = newToken('api');
    const created = store.createApiToken({ digest: digest(token), name, role }, now());
    if (!created.ok) throw new ApiError('conflict', `API token ${name} already exists (revoke it first)`);
    log.info('API token created', { name, role, by: c.get('caller').name });
    return c.json({ name, role, token }, 201);
  });

  routes.get('/tokens', (c) => {
    readQuery(c, noQuerySchema);
    return c.json({ items: store.listApiTokens().map(apiTokenJson) });
  });

  routes.delete('/tokens/:name', (c) => {
    const name = readParam(c, 'name', tokenNameSchema);
    readQuery(c, noQuerySchema);
    if (!store.revokeApiToken(name, now()))
      throw new ApiError('not-found', `API token ${name} not found (or already revoked)`);
    log.info('API token revoked', { name, by: c.get('caller').name });
    return c.body(null, 204);
  });

  return routes;
}
