// People's API tokens: a name, a role (viewer or admin), and the token's digest; never the token.
// A revoked token stays, flagged, and its name may be given to a new one.
import { dateOrUndefined, ms, type StoreContext } from './context.ts';
import type { Role } from './types.ts';

export interface NewApiToken {
  readonly digest: string;
  readonly name: string;
  readonly role: Role;
}

export interface ApiTokenInfo {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly revokedAt: Date | undefined;
}

export type CreateApiTokenResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'name-taken' | 'digest-taken' };

export interface ApiTokenMethods {
  createApiToken(token: NewApiToken, now: Date): CreateApiTokenResult;
  /** The role of an active token; undefined for an unknown or revoked one. */
  apiTokenRole(digest: string): Role | undefined;
  /** The token with this digest, active or revoked (revokedAt set); undefined for an unknown one. */
  apiTokenByDigest(digest: string): ApiTokenInfo | undefined;
  /** Revokes the active token of that name; false when there is none. */
  revokeApiToken(name: string, now: Date): boolean;
  /** Every token, active and revoked, by name then creation. */
  listApiTokens(): ApiTokenInfo[];
}

interface ApiTokenRow {
  name: string;
  role: Role;
  created_at: number;
  revoked_at: number | null;
}

function toInfo(row: ApiTokenRow): ApiTokenInfo {
  return {
    name: row.name,
    role: row.role,
    createdAt: new Date(row.created_at),
    revokedAt: dateOrUndefined(row.revoked_at),
  };
}

export function apiTokenMethods({ db }: StoreContext): ApiTokenMethods {
  return {
    createApiToken: (token, now) =>
      db.transaction(() => {
        if (db.prepare('SELECT 1 FROM api_tokens WHERE digest = ?').get(token.digest) !== undefined) {
          return { ok: false, reason: 'digest-taken' };
        }
        const inserted = db
          .prepare(
            `INSERT INTO api_tokens (digest, name, role, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING`,
          )
          .run(token.digest, token.name, token.role, ms(now));
        return inserted.changes === 1 ? { ok: true } : { ok: false, reason: 'name-taken' };
      }),
    apiTokenRole: (digest) =>
      db
        .prepare<{ role: Role }>('SELECT role FROM api_tokens WHERE digest = ? AND revoked_at IS NULL')
        .get(digest)?.role,
    apiTokenByDigest: (digest) => {
      const row = db
        .prepare<ApiTokenRow>('SELECT name, role, created_at, revoked_at FROM api_tokens WHERE digest = ?')
        .get(digest);
      return row === undefined ? undefined : toInfo(row);
    },
    revokeApiToken: (name, now) =>
      db
        .prepare('UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL')
        .run(ms(now), name).changes === 1,
    listApiTokens: () =>
      db
        .prepare<ApiTokenRow>(
          'SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY name, created_at',
        )
        .all()
        .map(toInfo),
  };
}
