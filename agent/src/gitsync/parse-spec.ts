// A GitSync's spec, as the API server returned it, checked field by field and given its defaults. The
// CRD's schema refuses most mistakes already; this is the boundary check the agent does not skip, and
// every error names the field (`spec.interval: "5x" is not a duration`).
import { SourceError, parseRefSpec } from '../source/index.ts';
import { DEFAULT_DELETION_BUDGET } from '../prune/types.ts';
import { parseIgnoreRules } from '../drift/index.ts';
import { parseDuration } from '@ferry/shared';
import { DRIFT_MODES, type DriftMode, type GitSyncSpec, type IgnoreRule } from './types.ts';

/** `ferry.dev/allow-deletions: <sha>` on the GitSync allows that one revision past the deletion budget. */
export const ALLOW_DELETIONS_ANNOTATION = 'ferry.dev/allow-deletions';

export { parseDuration };

export const DEFAULT_INTERVAL_MS = 60_000;
export const MIN_INTERVAL_MS = 5_000;

const SHA = /^[0-9a-f]{40}$/;

export type ParsedSpec =
  | { readonly ok: true; readonly spec: GitSyncSpec }
  | { readonly ok: false; readonly errors: readonly string[] };

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseGitSyncSpec(
  spec: unknown,
  annotations: Readonly<Record<string, string>> = {},
): ParsedSpec {
  const errors: string[] = [];
  const s = isObj(spec) ? spec : (errors.push('spec: must be an object'), {});

  const str = (value: unknown, field: string, fallback?: string): string => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'string') return value;
    errors.push(`${field}: ${value === undefined ? 'is required' : 'must be a string'}`);
    return fallback ?? '';
  };
  const bool = (value: unknown, field: string, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    errors.push(`${field}: must be true or false`);
    return fallback;
  };
  const count = (value: unknown, field: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    errors.push(`${field}: must be a whole number ≥ 0`);
    return fallback;
  };
  const obj = (value: unknown, field: string): Obj => {
    if (value === undefined) return {};
    if (isObj(value)) return value;
    errors.push(`${field}: must be an object`);
    return {};
  };

  const repo = str(s.repo, 'spec.repo');
  if (repo !== '' && !/^https?:\/\/[^/]/.test(repo))
    errors.push(`spec.repo: ${JSON.stringify(repo)} is not an http(s) URL`);

  let ref: GitSyncSpec['ref'] = { kind: 'branch', name: 'main' };
  const refText = str(s.ref, 'spec.ref', 'main');
  try {
    ref = parseRefSpec(refText);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    errors.push(`spec.ref: ${error.message}`);
  }

  const intervalText = str(s.interval, 'spec.interval', '60s');
  const intervalMs = parseDuration(intervalText);
  if (intervalMs === undefined)
    errors.push(`spec.interval: ${JSON.stringify(intervalText)} is not a duration (e.g. 30s, 5m, 1h)`);
  else if (intervalMs < MIN_INTERVAL_MS)
    errors.push(`spec.interval: ${intervalText} is shorter than the minimum, 5s`);

  const credentials = obj(s.credentials, 'spec.credentials');
  const credentialsSecret =
    credentials.secretName === undefined
      ? undefined
      : str(credentials.secretName, 'spec.credentials.secretName');

  const prune = obj(s.prune, 'spec.prune');
  const budget = obj(prune.budget, 'spec.prune.budget');
  const maxPercent = count(
    budget.maxPercent,
    'spec.prune.budget.maxPercent',
    DEFAULT_DELETION_BUDGET.maxFraction * 100,
  );
  if (maxPercent > 100) errors.push('spec.prune.budget.maxPercent: must be at most 100');
  const allowedBySpec =
    prune.allowedRevision === undefined || prune.allowedRevision === ''
      ? undefined
      : str(prune.allowedRevision, 'spec.prune.allowedRevision');
  const allowedByAnnotation = annotations[ALLOW_DELETIONS_ANNOTATION]?.trim();
  const allowedRevision = (
    allowedByAnnotation !== undefined && allowedByAnnotation !== '' ? allowedByAnnotation : allowedBySpec
  )?.toLowerCase();
  if (allowedRevision !== undefined && !SHA.test(allowedRevision)) {
    const where =
      allowedByAnnotation !== undefined && allowedByAnnotation !== ''
        ? `annotation ${ALLOW_DELETIONS_ANNOTATION}`
        : 'spec.prune.allowedRevision';
    errors.push(`${where}: must be a commit SHA (40 hex digits)`);
  }

  const drift = obj(s.drift, 'spec.drift');
  const modeText = str(drift.mode, 'spec.drift.mode', 'heal');
  const mode: DriftMode = (DRIFT_MODES as readonly string[]).includes(modeText)
    ? (modeText as DriftMode)
    : (errors.push(
        `spec.drift.mode: must be one of ${DRIFT_MODES.join(', ')}, not ${JSON.stringify(modeText)}`,
      ),
      'heal');
  let ignore: IgnoreRule[] = [];
  try {
    ignore = parseIgnoreRules(drift.ignore, 'spec.drift.ignore');
  } catch (error) {
    errors.push((error as Error).message);
  }

  const result: GitSyncSpec = {
    repo,
    ref,
    path: str(s.path, 'spec.path', '').replace(/^\/+|\/+$/g, ''),
    targetNamespace: str(s.targetNamespace, 'spec.targetNamespace', 'default'),
    intervalMs: intervalMs ?? DEFAULT_INTERVAL_MS,
    credentialsSecret,
    prune: {
      enabled: bool(prune.enabled, 'spec.prune.enabled', true),
      allowEmpty: bool(prune.allowEmpty, 'spec.prune.allowEmpty', false),
      budget: {
        maxFraction: maxPercent / 100,
        minObjects: count(
          budget.minObjects,
          'spec.prune.budget.minObjects',
          DEFAULT_DELETION_BUDGET.minObjects,
        ),
        maxObjects: count(
          budget.maxObjects,
          'spec.prune.budget.maxObjects',
          DEFAULT_DELETION_BUDGET.maxObjects,
        ),
      },
      allowedRevision,
    },
    drift: { mode, ignore },
    suspend: bool(s.suspend, 'spec.suspend', false),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, spec: result };
}
