// Immutable fields: an object annotated to allow it is deleted and recreated when one changes; any
// other object fails with the field named and a hint.
import { KubeError, type KubeObject } from '../kube/index.ts';

/** Allow delete-and-recreate (Flux's `force` annotation works too). */
export const RECREATE_ANNOTATIONS = {
  'ferry.dev/recreate': 'true',
  'kustomize.toolkit.fluxcd.io/force': 'enabled',
} as const;

export function allowsRecreate(manifest: KubeObject): boolean {
  const annotations = manifest.metadata.annotations ?? {};
  return Object.entries(RECREATE_ANNOTATIONS).some(
    ([key, value]) => annotations[key]?.toLowerCase() === value,
  );
}

export function isImmutableError(error: unknown): error is KubeError {
  return error instanceof KubeError && error.code === 'invalid' && /immutable/i.test(error.message);
}

export const RECREATE_HINT =
  'annotate the object with ferry.dev/recreate: "true" to let Ferry delete and recreate it';
