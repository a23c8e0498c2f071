// The live stream of cluster changes (text/event-stream): a full list or the events the client missed
// (Last-Event-ID), then one event per change, with `: ping` comments between. See docs/api.md.
import { Hono, type Context } from 'hono';
import type { AppEnv, ClusterEvents } from '../deps.ts';
import { eventsQuerySchema } from '../schemas.ts';
import { readQuery } from '../validate.ts';

/** The Node response under @hono/node-server (c.env.outgoing); absent elsewhere (app.request()). */
function nodeResponse(env: unknown): { destroy(): void } | undefined {
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return undefined;
  const outgoing = env.outgoing;
  return typeof outgoing === 'object' && outgoing !== null && 'destroy' in outgoing
    ? (outgoing as { destroy(): void })
    : undefined;
}

export function eventStreamRoutes(events: ClusterEvents): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();

  routes.get('/events', (c: Context<AppEnv>) => {
    const query = readQuery(c, eventsQuerySchema);
    const subscription = events.subscribe({
      selector: query.selector,
      lastEventId: c.req.header('last-event-id'),
    });
    // A dropped subscriber's client may not be reading at all: the stream's end would wait behind its
    // full socket forever, so the connection itself is cut (the client reconnects and starts over).
    const outgoing = nodeResponse(c.env);
    void subscription.ended.then((reason) => {
      if (reason === 'dropped') outgoing?.destroy();
    });
    return new Response(subscription.body, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        // Proxies (nginx) must pass each event on at once.
        'X-Accel-Buffering': 'no',
        'X-Ferry-Stream-Start': subscription.start,
      },
    });
  });

  return routes;
}
