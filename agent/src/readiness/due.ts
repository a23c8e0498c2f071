// When a readiness scan is due after a successful sync: the first time, when what Git describes (or the
// targetNamespace) changed since the last scan, or when that scan is older than
// READINESS_SCAN_INTERVAL_MS. A no-op sync in between costs no request.
import { createHash } from 'node:crypto';
import { refKey, type ObjectRef } from '@ferry/shared';
import { READINESS_SCAN_INTERVAL_MS } from './types.ts';

export interface LastScan {
  /** ms since the epoch. */
  readonly at: number;
  readonly inventory: string;
}

/** A short digest of the managed refs and the targetNamespace. */
export function inventoryDigest(managed: readonly ObjectRef[], targetNamespace: string): string {
  const keys = managed.map(refKey).sort();
  return createHash('sha1').update(targetNamespace).update('\n').update(keys.join('\n')).digest('base64');
}

export function scanDue(
  last: LastScan | undefined,
  inventory: string,
  now: number,
  intervalMs = READINESS_SCAN_INTERVAL_MS,
): boolean {
  return last === undefined || last.inventory !== inventory || now - last.at >= intervalMs;
}
