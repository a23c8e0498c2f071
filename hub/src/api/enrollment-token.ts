// A new one-time enrollment token for a cluster: made here, handed out once, stored only as its digest.
// Issuing it stops every earlier token of the cluster.
import { digest, newToken } from '../crypto.ts';
import { enrollmentExpiry } from '../store/index.ts';
import type { AppDeps } from './deps.ts';
import { clusterNotFound } from './errors.ts';
import { iso } from './json.ts';

export interface EnrollmentJson {
  readonly token: string;
  readonly expiresAt: string;
  /** Where the cluster's install manifest is served: `<publicUrl>/install/<token>`. */
  readonly installUrl: string;
}

export function installUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/install/${token}`;
}

/** Issues the token, or throws a 404 when the cluster does not exist. */
export function issueEnrollment(
  { store, now, config }: Pick<AppDeps, 'store' | 'now' | 'config'>,
  cluster: string,
): EnrollmentJson {
  const token = newToken('enrollment');
  const issuedAt = now();
  const expiresAt = enrollmentExpiry(issuedAt, config.enrollmentTtlMs);
  if (!store.issueEnrollmentToken(cluster, digest(token), expiresAt, issuedAt))
    throw clusterNotFound(cluster);
  return { token, expiresAt: iso(expiresAt), installUrl: installUrl(config.publicUrl, token) };
}
