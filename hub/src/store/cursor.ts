// Opaque page cursors: the sort key of the last item of a page, as base64url JSON. A listing resumes
// strictly after that key, so rows added or removed elsewhere never shift a page.
import { StoreError } from './errors.ts';

type Key = readonly (string | number)[];

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a cursor holds, checked against the listing's key shape ('string' / 'number' per part). */
export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): Key {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new StoreError('invalid-cursor', `not a cursor of this listing: ${cursor}`, { cause: error });
  }
  if (
    !Array.isArray(key) ||
    key.length !== shape.length ||
    !key.every((part, index) => typeof part === shape[index])
  ) {
    throw new StoreError('invalid-cursor', `not a cursor of this listing: ${cursor}`);
  }
  return key as Key;
}

/** The most items one page may hold. */
export const MAX_PAGE = 1000;

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new StoreError('invalid-limit', `a page holds 1 to ${MAX_PAGE} items, not ${limit}`);
  }
  return limit;
}

/** Splits `limit + 1` fetched rows into a page and the cursor after it. */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
  keyOf: (row: R) => Key,
): { items: T[]; next?: string } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const more = rows.length > limit && last !== undefined;
  return more ? { items: items.map(toItem), next: encodeCursor(keyOf(last)) } : { items: items.map(toItem) };
}
