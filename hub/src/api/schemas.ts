// zod schemas of every input the API reads: query parameters, request bodies and path parameters. Each
// message says what the value must be; validate.ts prefixes the field it belongs to.
import { HEALTH_STATUSES } from '@ferry/shared';
import { z } from 'zod';
import { CLUSTER_STATES, ROLES, SYNC_RESULTS } from '../store/index.ts';
import {
  LABELS_MAX,
  dnsLabelProblem,
  gitRefProblem,
  labelKeyProblem,
  labelValueProblem,
  repoPathProblem,
  repoProblem,
  secretNameProblem,
  tokenNameProblem,
} from './fields.ts';
import { parseSelector } from './selector.ts';

/** Items on one page of a listing: at most, and when not asked. */
export const PAGE_MAX = 500;
export const PAGE_DEFAULT = 100;
/** A cursor is opaque, but bounded. */
const CURSOR_MAX = 1024;
/** One-time enrollment tokens are 47 characters; anything much longer is not one. */
const ENROLLMENT_TOKEN_MAX = 256;

const text = (): z.ZodString =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

/** A string checked by one of fields.ts' functions. */
function checked(problem: (value: string) => string | undefined): z.ZodType<string> {
  return text().superRefine((value, ctx) => {
    const found = problem(value);
    if (found !== undefined) ctx.addIssue({ code: 'custom', message: found });
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

export const clusterNameSchema = checked(dnsLabelProblem);
export const targetNamespaceSchema = checked((value) => (value === '' ? undefined : dnsLabelProblem(value)));
export const tokenNameSchema = checked(tokenNameProblem);
export const credentialsSecretSchema = checked((value) =>
  value === '' ? undefined : secretNameProblem(value),
);
export const repoSchema = checked(repoProblem);
export const gitRefSchema = checked(gitRefProblem);
export const repoPathSchema = checked(repoPathProblem);
export const roleSchema = oneOf(ROLES);

export const labelsSchema = z
  .record(text(), text(), { error: 'must be an object of label keys to string values' })
  .superRefine((labels, ctx) => {
    const keys = Object.keys(labels);
    if (keys.length > LABELS_MAX) ctx.addIssue({ code: 'custom', message: `at most ${LABELS_MAX} labels` });
    for (const [key, value] of Object.entries(labels)) {
      const problem = labelKeyProblem(key) ?? labelValueProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
    }
  });

const limitSchema = text()
  .regex(/^[0-9]{1,4}$/, `must be an integer from 1 to ${PAGE_MAX}`)
  .transform(Number)
  .refine((limit) => limit >= 1 && limit <= PAGE_MAX, `must be an integer from 1 to ${PAGE_MAX}`);
const cursorSchema = text().min(1, 'must not be empty').max(CURSOR_MAX, 'is not a cursor of this listing');
const booleanSchema = oneOf(['true', 'false']).transform((value) => value === 'true');
const selectorSchema = text().transform((value, ctx) => {
  const parsed = parseSelector(value);
  if (parsed.ok) return parsed.selector;
  ctx.addIssue(parsed.problem);
  return z.NEVER;
});

export const clusterListQuerySchema = z.strictObject({
  selector: selectorSchema.optional(),
  health: oneOf(HEALTH_STATUSES).optional(),
  sync: oneOf(SYNC_RESULTS).optional(),
  state: oneOf(CLUSTER_STATES).optional(),
  stale: booleanSchema.optional(),
  limit: limitSchema.optional(),
  after: cursorSchema.optional(),
});

/** GET /api/v1/events: the same label selector as the list (labels never change, so it holds). */
export const eventsQuerySchema = z.strictObject({
  selector: selectorSchema.optional(),
});

export const resourceQuerySchema = z.strictObject({
  kind: text().min(1, 'must not be empty').max(63, 'must be at most 63 characters').optional(),
  namespace: text().max(63, 'must be at most 63 characters').optional(),
  health: oneOf(HEALTH_STATUSES).optional(),
  drifted: booleanSchema.optional(),
  limit: limitSchema.optional(),
  after: cursorSchema.optional(),
});

export const pageQuerySchema = z.strictObject({
  limit: limitSchema.optional(),
  after: cursorSchema.optional(),
});

export const limitQuerySchema = z.strictObject({ limit: limitSchema.optional() });

export const noQuerySchema = z.strictObject({});

export const createClusterBodySchema = z.strictObject({
  name: clusterNameSchema,
  labels: labelsSchema.default({}),
  repo: repoSchema,
  ref: gitRefSchema.default('main'),
  path: repoPathSchema.default(''),
  targetNamespace: targetNamespaceSchema.default(''),
  /** The Secret (made by the operator in the agent's namespace) with the Git credential; '' for none. */
  credentialsSecret: credentialsSecretSchema.default(''),
});

export const enrollBodySchema = z.strictObject({
  token: text()
    .min(1, 'must not be empty')
    .max(ENROLLMENT_TOKEN_MAX, `must be at most ${ENROLLMENT_TOKEN_MAX} characters`),
  credentialDigest: text().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest: 64 lowercase hex digits'),
});

export const createTokenBodySchema = z.strictObject({
  name: tokenNameSchema,
  role: roleSchema,
});
