// The building blocks of every message schema: bounded strings, ids, timestamps, the ObjectRef and the
// ResourceSummary. Every object is strict (an unknown key is refused) and every string and list is
// bounded, so a frame's shape is fully known before the hub stores a byte of it.
import { z } from 'zod';
import { HEALTH_STATUSES } from '../health.ts';
import type { ObjectRef } from '../object-ref.ts';
import { BOUNDS, OBJECT_ACTIONS } from './vocabulary.ts';

/** A string of at most `max` characters (and at least `min`, 0 unless told). */
export function bounded(max: number, min = 0): z.ZodString {
  return z.string().min(min).max(max);
}

/** An id the agent makes: letters, digits and `._:-`, at most BOUNDS.id characters. */
export const idSchema = bounded(BOUNDS.id, 1).regex(/^[A-Za-z0-9._:-]+$/, 'expected letters, digits, ._:-');

/** A snapshot digest as snapshotDigest() writes it. */
export const digestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>');

/** ISO 8601 with a time zone (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00+02:00`), fraction bounded. */
export const timestampSchema = z.iso.datetime({ offset: true }).max(40);

/** A count or a duration: a non-negative safe integer. */
export const countSchema = z.int().nonnegative();

/** The one identity of an object (shared/src/object-ref.ts). */
export const objectRefSchema = z.strictObject({
  group: bounded(BOUNDS.refLong),
  version: bounded(BOUNDS.refShort, 1),
  kind: bounded(BOUNDS.refShort, 1),
  namespace: bounded(BOUNDS.refShort),
  name: bounded(BOUNDS.refLong, 1),
}) satisfies z.ZodType<ObjectRef>;

export const healthStatusSchema = z.enum(HEALTH_STATUSES);

/**
 * What the hub keeps about one object: its identity, health, last action and whether it drifted.
 * Never a manifest, never a field's value (so never a Secret's data).
 */
export const resourceSummarySchema = z.strictObject({
  ref: objectRefSchema,
  health: healthStatusSchema,
  healthMessage: bounded(BOUNDS.healthMessage).optional(),
  lastAction: z.enum(OBJECT_ACTIONS).optional(),
  drifted: z.boolean(),
});

export type ResourceSummary = z.infer<typeof resourceSummarySchema>;

/**
 * A source repository URL. One that carries a password, or an http(s) URL with a user (where a token
 * often hides), is refused, so that no credential ever rides in a hello: the agent's Git credential
 * stays in its cluster. `ssh://git@host/...` and `git@host:org/repo` name a user, not a secret.
 */
export const repoSchema = bounded(BOUNDS.repo, 1).refine(
  (repo) => !carriesCredential(repo),
  'must not carry a user or password',
);

function carriesCredential(repo: string): boolean {
  if (!URL.canParse(repo)) return false;
  const url = new URL(repo);
  if (url.password !== '') return true;
  return url.username !== '' && (url.protocol === 'http:' || url.protocol === 'https:');
}
