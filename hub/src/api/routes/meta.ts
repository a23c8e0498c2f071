// The hub is up (no token needed), and who the caller's token says they are.
import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';

export function metaRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get('/healthz', (c) => c.json({ ok: true }));
  routes.get('/api/v1/whoami', (c) => {
    const { name, role } = c.get('caller');
    return c.json({ name, role });
  });
  return routes;
}
