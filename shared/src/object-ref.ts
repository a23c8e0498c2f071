// The one identity of a Kubernetes object across Ferry: every log line, error and report about an
// object names it with formatRef().

export interface ObjectRef {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/** A stable key for maps and sets: the version is left out, since it does not change identity. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** `Kind/namespace/name`, or `Kind/name` when cluster-scoped; the group is added when not core. */
export function formatRef(ref: ObjectRef): string {
  const kind = ref.group === '' ? ref.kind : `${ref.kind}.${ref.group}`;
  return ref.namespace === '' ? `${kind}/${ref.name}` : `${kind}/${ref.namespace}/${ref.name}`;
}

/** Splits an apiVersion (`apps/v1`, `v1`) into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
