// Who may call the API: `Authorization: Bearer <API token>`, looked up by its digest (the hub keeps no
// token); a viewer may read (GET), an admin may do everything. The token itself is never logged or
// echoed: an error names the token only by the name it was given.
import type { MiddlewareHandler } from 'hono';
import { digest } from '../crypto.ts';
import type { Role } from '../store/index.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { ApiError } from './errors.ts';

/**
 * Routes under /api/v1 that need no API token: the agent's exchange and the Git webhook relay carry
 * their own authority (the one-time token; the provider's signature).
 */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set(['/api/v1/enroll', '/api/v1/webhooks/git']);

/** Longer than any token the hub makes; a longer header is refused before anything is digested. */
const TOKEN_MAX = 512;
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function mayCall(role: Role, method: string): boolean {
  return role === 'admin' || READ_METHODS.has(method);
}

/** The bearer token of an Authorization header, or why there is none. */
export function bearerToken(header: string | undefined): { token: string } | { problem: string } {
  if (header === undefined)
    return { problem: 'this route needs an "Authorization: Bearer <API token>" header' };
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (match?.[1] === undefined) return { problem: 'the Authorization header must be "Bearer <API token>"' };
  if (match[1].length > TOKEN_MAX) return { problem: 'the API token is not one this hub issued' };
  return { token: match[1] };
}

export function authenticate({ store }: Pick<AppDeps, 'store'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (PUBLIC_API_PATHS.has(c.req.path)) {
      await next();
      return;
    }
    const bearer = bearerToken(c.req.header('authorization'));
    if ('problem' in bearer) throw new ApiError('unauthorized', bearer.problem);
    const info = store.apiTokenByDigest(digest(bearer.token));
    if (info === undefined) throw new ApiError('unauthorized', 'the API token is not one this hub issued');
    if (info.revokedAt !== undefined) {
      throw new ApiError('unauthorized', `the API token "${info.name}" was revoked`);
    }
    if (!mayCall(info.role, c.req.method)) {
      throw new ApiError(
        'forbidden',
        `the API token "${info.name}" has role ${info.role}, which may only read (GET); ` +
          `${c.req.method} ${c.req.path} needs role admin`,
      );
    }
    c.set('caller', { name: info.name, role: info.role });
    await next();
  };
}
