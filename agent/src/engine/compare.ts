// Would applying change anything? Compare the server-side dry-run result with the live object,
// ignoring what the server alone maintains: managedFields, resourceVersion, generation, timestamps,
// uid, selfLink and status.
import type { KubeObject } from '../kube/index.ts';

const SERVER_METADATA = new Set([
  'managedFields',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'uid',
  'selfLink',
]);

function normalized(object: KubeObject): Record<string, unknown> {
  const metadata = Object.fromEntries(
    Object.entries(object.metadata).filter(([key]) => !SERVER_METADATA.has(key)),
  );
  const rest = Object.entries(object).filter(([key]) => key !== 'status' && key !== 'metadata');
  return { ...Object.fromEntries(rest), metadata };
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((key) => equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

export function wouldChange(dryRun: KubeObject, live: KubeObject): boolean {
  return !equal(normalized(dryRun), normalized(live));
}
