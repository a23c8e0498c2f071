// The hub's HTTP API as one hono app: bounded bodies, bearer-token auth on /api/v1 (but the agent's
// enrollment), the routes, and one place that turns every error into the API's JSON error shape. The
// caller (server.ts) serves it; tests call app.request() with no port.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { StoreError } from '../store/index.ts';
import { authenticate } from './auth.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { ApiError, type ApiErrorCode } from './errors.ts';
import { clusterAddRoutes } from './routes/cluster-add.ts';
import { clusterRecordRoutes } from './routes/cluster-records.ts';
import { clusterRecoverRoutes } from './routes/cluster-recover.ts';
import { clusterRoutes } from './routes/cluster.ts';
import { clusterListRoutes } from './routes/clusters-list.ts';
import { enrollRoutes } from './routes/enroll.ts';
import { eventStreamRoutes } from './routes/events-stream.ts';
import { installRoutes } from './routes/install.ts';
import { metaRoutes } from './routes/meta.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { WEBHOOK_PATH, webhookRoutes } from './routes/webhooks.ts';

/** The largest request body the API reads. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A request path as it may be logged: install URLs carry a one-time token. */
export function loggedPath(path: string): string {
  return path.startsWith('/install/') ? '/install/[redacted]' : path;
}

const STATUS_CODES: Readonly<Record<number, ApiErrorCode>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
};

function errorResponse(error: ApiError, c: Context<AppEnv>): Response {
  if (error.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="ferry"');
  return c.json(error.toBody(), error.status);
}

/** What a thrown error becomes: ours as they are, a bad cursor as `invalid`, the rest as `internal`. */
function toApiError(error: Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError && error.code !== 'schema-too-new') {
    const field = error.code === 'invalid-cursor' ? 'after' : 'limit';
    return new ApiError('invalid', `query parameter ${field}: is not valid for this listing`, {
      cause: error,
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    return new ApiError(STATUS_CODES[error.status] ?? 'invalid', 'the request could not be read', {
      cause: error,
    });
  }
  return new ApiError('internal', 'the hub failed to answer this request; its log has the details', {
    cause: error,
  });
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { log } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    // Answers may hold tokens (new ones, install manifests) and live status: nothing is cached.
    c.res.headers.set('Cache-Control', 'no-store');
    log.debug('request', {
      method: c.req.method,
      path: loggedPath(c.req.path),
      status: c.res.status,
      durationMs: Date.now() - started,
    });
  });
  const apiBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      c.json(new ApiError('invalid', `request body: must be at most ${MAX_BODY_BYTES} bytes`).toBody(), 400),
  });
  // Push payloads are larger: the webhook route bounds its own body.
  app.use('*', (c: Context<AppEnv, string>, next) =>
    c.req.path === WEBHOOK_PATH ? next() : apiBodyLimit(c, next),
  );
  app.use('/api/v1/*', authenticate(deps));

  app.route('/', metaRoutes());
  app.route('/', installRoutes(deps));
  app.route('/api/v1', enrollRoutes(deps));
  app.route('/api/v1', clusterListRoutes(deps));
  app.route('/api/v1', clusterAddRoutes(deps));
  app.route('/api/v1', clusterRoutes(deps));
  app.route('/api/v1', clusterRecordRoutes(deps));
  app.route('/api/v1', clusterRecoverRoutes(deps));
  app.route('/api/v1', tokenRoutes(deps));
  app.route('/api/v1', webhookRoutes(deps));
  if (deps.events !== undefined) app.route('/api/v1', eventStreamRoutes(deps.events));

  app.notFound((c) =>
    errorResponse(new ApiError('not-found', `no route ${c.req.method} ${loggedPath(c.req.path)}`), c),
  );
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.code === 'internal') {
      log.error('request failed', { method: c.req.method, path: loggedPath(c.req.path), error });
    }
    return errorResponse(apiError, c);
  });
  return app;
}
