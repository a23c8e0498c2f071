// What Git says the cluster holds: every document of the files checked out of the repo, as the API
// path of its collection and the fields Git sets. A live object is "as Git says" when it holds every
// field Git gives it with Git's value (what the API server adds — uid, defaults, status — is ignored).
// The YAML is read with the agent's Kubernetes-style parser (YAML 1.1 scalars, as kubectl reads them);
// which objects exist is judged by this module, never by the agent.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseManifestFile } from '../../agent/src/render/parse-yaml.ts';
import { DEFAULT_RENDER_OPTIONS } from '../../agent/src/render/index.ts';

/** The kinds the benchmark's repo holds: apiVersion/kind → the cluster-wide collection to list and watch. */
const COLLECTIONS: Readonly<Record<string, string>> = {
  'v1/Namespace': '/api/v1/namespaces',
  'v1/ConfigMap': '/api/v1/configmaps',
  'v1/Secret': '/api/v1/secrets',
  'v1/Service': '/api/v1/services',
  'v1/ServiceAccount': '/api/v1/serviceaccounts',
  'apps/v1/Deployment': '/apis/apps/v1/deployments',
  'rbac.authorization.k8s.io/v1/Role': '/apis/rbac.authorization.k8s.io/v1/roles',
  'rbac.authorization.k8s.io/v1/RoleBinding': '/apis/rbac.authorization.k8s.io/v1/rolebindings',
};

export interface ExpectedObject {
  /** `<collection>/<namespace>/<name>`: the key live objects are looked up by. */
  readonly key: string;
  readonly collection: string;
  readonly kind: string;
  /**
   * Git's fields but apiVersion and kind, with a Secret's stringData turned into the base64 data the API
   * server shows.
   */
  readonly want: Record<string, unknown>;
}

interface Meta {
  readonly name?: string;
  readonly namespace?: string;
}

export const objectKey = (collection: string, namespace: string | undefined, name: string): string =>
  `${collection}/${namespace ?? ''}/${name}`;

/** A Secret's stringData as the API server stores it: base64 under data. */
function asStored(object: Record<string, unknown>): Record<string, unknown> {
  if (object.kind !== 'Secret' || object.stringData === undefined) return { ...object };
  const { stringData, ...rest } = object as { stringData: Record<string, string> };
  const data = Object.fromEntries(
    Object.entries(stringData).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]),
  );
  return { ...rest, data: { ...((rest as { data?: object }).data ?? {}), ...data } };
}

/** Every object of the YAML files under `dir` (recursively), in file order. */
export function expectedObjects(dir: string): ExpectedObject[] {
  const files: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ya?ml|json)$/.test(entry.name)) files.push(path);
    }
  };
  walk(dir);
  const objects: ExpectedObject[] = [];
  for (const file of files) {
    const name = relative(dir, file);
    const parsed = parseManifestFile(name, readFileSync(file, 'utf8'), DEFAULT_RENDER_OPTIONS);
    const error = parsed.errors[0];
    if (error !== undefined) throw new Error(`${name}:${String(error.line)}: ${error.message}`);
    for (const document of parsed.documents) {
      if (document.value === null || typeof document.value !== 'object') continue;
      const object = document.value as Record<string, unknown> & { metadata?: Meta };
      const type = `${String(object.apiVersion)}/${String(object.kind)}`;
      const collection = COLLECTIONS[type];
      const objectName = object.metadata?.name;
      if (collection === undefined || objectName === undefined)
        throw new Error(
          `${name}:${String(document.line)}: ${type} ${objectName ?? '(no name)'} is not a kind this benchmark watches`,
        );
      // apiVersion and kind: the collection says them (and a list's items leave them out).
      const fields = asStored(object);
      delete fields.apiVersion;
      delete fields.kind;
      objects.push({
        key: objectKey(collection, object.metadata?.namespace, objectName),
        collection,
        kind: String(object.kind),
        want: fields,
      });
    }
  }
  return objects;
}

/** True when `live` holds every field of `want` with the same value (lists item by item, same length). */
export function holds(live: unknown, want: unknown): boolean {
  if (Array.isArray(want))
    return (
      Array.isArray(live) && live.length === want.length && want.every((item, i) => holds(live[i], item))
    );
  if (want !== null && typeof want === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    const object = live as Record<string, unknown>;
    return Object.entries(want).every(([field, value]) => holds(object[field], value));
  }
  return live === want;
}
