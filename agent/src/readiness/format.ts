// How readiness names objects and kinds in status and logs.
import type { ObjectRef } from '@ferry/shared';

/** `Kind namespace/name` (`Kind.group namespace/name` outside the core group). */
export function readinessRef(ref: ObjectRef): string {
  const kind = ref.group === '' ? ref.kind : `${ref.kind}.${ref.group}`;
  return `${kind} ${ref.namespace}/${ref.name}`;
}

/** `Kind.group/version`, or `Kind/version` in the core group: how unknownKinds names a kind. */
export function kindName(kind: {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}): string {
  return kind.group === '' ? `${kind.kind}/${kind.version}` : `${kind.kind}.${kind.group}/${kind.version}`;
}
