// The fast path for unchanged objects. Each applied object carries the digest of the manifest Ferry
// applied; when Git's manifest has the same digest and every field of it still has its value in the
// live object (no drift), the object is unchanged and needs no dry-run. Any doubt (a different digest,
// a field that differs, a list of another length, a quantity written differently) falls back to the
// dry-run, which decides.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.ts';

export const DIGEST_ANNOTATION = 'ferry.dev/digest';

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorted-key JSON, written into one string without intermediate arrays (it runs over every object of
 * every sync). Its text must never change: the digests of objects in clusters are made of it. So an
 * undefined value reads `undefined` in an object and nothing in a list, as it always has.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += (canonical(value[i]) as string | undefined) ?? '';
    }
    return `${out}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort(byCodeUnit);
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i > 0) out += ',';
      out += `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

/** The manifest's digest, computed without the digest annotation itself. */
export function manifestDigest(manifest: KubeObject): string {
  const annotations = Object.fromEntries(
    Object.entries(manifest.metadata.annotations ?? {}).filter(([key]) => key !== DIGEST_ANNOTATION),
  );
  const metadata = { ...manifest.metadata, annotations };
  return createHash('sha256')
    .update(canonical({ ...manifest, metadata }))
    .digest('hex')
    .slice(0, 32);
}

/** Every field of `desired` is present in `live` with the same value (lists: same length, item by item). */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      desired.length === live.length &&
      desired.every((item, i) => isSubset(item, live[i]))
    );
  }
  if (typeof desired === 'object' && desired !== null) {
    if (typeof live !== 'object' || live === null || Array.isArray(live)) return false;
    return Object.entries(desired).every(([key, value]) =>
      isSubset(value, (live as Record<string, unknown>)[key]),
    );
  }
  return desired === live;
}

/** A Secret's stringData as the API server stores it: base64 in data, stringData winning. */
function asStored(manifest: KubeObject): KubeObject {
  const stringData = manifest.stringData;
  if (
    manifest.apiVersion !== 'v1' ||
    manifest.kind !== 'Secret' ||
    typeof stringData !== 'object' ||
    stringData === null
  ) {
    return manifest;
  }
  const encoded = Object.fromEntries(
    Object.entries(stringData).map(([key, value]) => [
      key,
      Buffer.from(String(value), 'utf8').toString('base64'),
    ]),
  );
  const rest = Object.fromEntries(Object.entries(manifest).filter(([key]) => key !== 'stringData'));
  const data = (manifest.data as Record<string, string> | undefined) ?? {};
  return { ...(rest as KubeObject), data: { ...data, ...encoded } };
}

/** True when the live object is known to match the manifest without asking the API server. */
export function isUnchanged(manifest: KubeObject, live: KubeObject | undefined): boolean {
  if (live === undefined) return false;
  const digest = manifest.metadata.annotations?.[DIGEST_ANNOTATION];
  if (digest === undefined || live.metadata.annotations?.[DIGEST_ANNOTATION] !== digest) return false;
  return isSubset(asStored(manifest), live);
}
