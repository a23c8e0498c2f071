// The first admin: when the hub has no active API token, it creates the admin token `admin` (from the
// environment when one is given, else a new random one that the entry point prints once). An operator
// who lost every admin token sets an environment token and restarts: an unknown one is added as a new
// admin token, a known one changes nothing, a revoked one stops the start (it must not come back).
import { digest, newToken } from '../crypto.ts';
import type { Store } from '../store/index.ts';

export const ADMIN_TOKEN_NAME = 'admin';
/** An environment token must be at least this long (the hub's own are 47 characters). */
export const ENV_TOKEN_MIN = 32;
const ENV_TOKEN_MAX = 512;
/** How many `admin-N` names are tried when `admin` is taken by another token. */
const NAME_TRIES = 100;

export const ADMIN_TOKEN_ERROR_CODES = ['weak-env-token', 'revoked-env-token', 'no-free-name'] as const;
export type AdminTokenErrorCode = (typeof ADMIN_TOKEN_ERROR_CODES)[number];

export class AdminTokenError extends Error {
  readonly code: AdminTokenErrorCode;

  constructor(code: AdminTokenErrorCode, message: string) {
    super(message);
    this.name = 'AdminTokenError';
    this.code = code;
  }
}

export interface EnsureAdminTokenOptions {
  /** An admin token the operator chose (e.g. from FERRY_ADMIN_TOKEN); the hub never prints it. */
  readonly envToken?: string;
  readonly now: Date;
}

export interface EnsureAdminTokenResult {
  /** True when a token was added to the store. */
  readonly created: boolean;
  /** Only for a token the hub generated: the entry point prints it once, and it is never shown again. */
  readonly token?: string;
  /** The token created or found; `admin` when nothing was done. */
  readonly name: string;
}

function checkEnvToken(token: string): void {
  if (token.length < ENV_TOKEN_MIN || token.length > ENV_TOKEN_MAX || !/^[\x21-\x7e]+$/.test(token)) {
    throw new AdminTokenError(
      'weak-env-token',
      `the admin token from the environment must be ${ENV_TOKEN_MIN} to ${ENV_TOKEN_MAX} printable ` +
        'characters without spaces (e.g. `openssl rand -base64 32`)',
    );
  }
}

function createAdmin(store: Store, tokenDigest: string, now: Date): string {
  for (let n = 1; n <= NAME_TRIES; n += 1) {
    const name = n === 1 ? ADMIN_TOKEN_NAME : `${ADMIN_TOKEN_NAME}-${n}`;
    const created = store.createApiToken({ digest: tokenDigest, name, role: 'admin' }, now);
    if (created.ok) return name;
    if (created.reason === 'digest-taken') break;
  }
  throw new AdminTokenError('no-free-name', `no free name for a new admin token (${ADMIN_TOKEN_NAME}-N)`);
}

export function ensureAdminToken(store: Store, options: EnsureAdminTokenOptions): EnsureAdminTokenResult {
  const { envToken, now } = options;
  const anyActive = store.listApiTokens().some((token) => token.revokedAt === undefined);
  if (envToken === undefined) {
    if (anyActive) return { created: false, name: ADMIN_TOKEN_NAME };
    const token = newToken('api');
    return { created: true, token, name: createAdmin(store, digest(token), now) };
  }
  checkEnvToken(envToken);
  const known = store.apiTokenByDigest(digest(envToken));
  if (known?.revokedAt !== undefined) {
    throw new AdminTokenError(
      'revoked-env-token',
      `the admin token from the environment is the revoked API token "${known.name}"; set a new one`,
    );
  }
  if (known !== undefined) return { created: false, name: known.name };
  return { created: true, name: createAdmin(store, digest(envToken), now) };
}
