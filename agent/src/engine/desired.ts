// The desired set as the engine sees it: rendered objects with Ferry's ownership labels and the digest
// of what Ferry applies (digest.ts), their kind
// resolved through discovery (or known to come from a CRD of the same revision), and the namespace
// dropped from objects that discovery says are cluster-scoped.
import { formatRef, type ObjectRef } from '@ferry/shared';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, type SyncIdentity } from '../inventory/types.ts';
import type { KubeApi, KubeObject, ResourceInfo } from '../kube/index.ts';
import type { RenderedObject } from '../render/index.ts';
import { DIGEST_ANNOTATION, manifestDigest } from './digest.ts';
import type { DesiredMemo } from './desired-memo.ts';
import type { DigestMemo } from './digest-memo.ts';

export interface DesiredObject {
  readonly ref: ObjectRef;
  readonly manifest: KubeObject;
  /** file:line in Git. */
  readonly source: string;
  /** Discovery's view, or undefined for a kind that a CRD of this revision defines. */
  readonly info: ResourceInfo | undefined;
}

export interface DesiredSet {
  /** The sync the objects are labelled for. */
  readonly owner: SyncIdentity;
  readonly objects: readonly DesiredObject[];
  /** Objects whose kind neither discovery nor a CRD of this revision knows. */
  readonly unknown: readonly { readonly ref: ObjectRef; readonly source: string; readonly message: string }[];
  /** `group/Kind` of the kinds whose discovery failed or is unknown: never pruned this time. */
  readonly unresolvedKinds: ReadonlySet<string>;
}

function crdKinds(objects: readonly RenderedObject[]): Set<string> {
  const kinds = new Set<string>();
  for (const object of objects) {
    if (object.ref.group !== 'apiextensions.k8s.io' || object.ref.kind !== 'CustomResourceDefinition')
      continue;
    const spec = object.manifest.spec as { group?: string; names?: { kind?: string } } | undefined;
    if (spec?.group !== undefined && spec.names?.kind !== undefined)
      kinds.add(`${spec.group}/${spec.names.kind}`);
  }
  return kinds;
}

export async function resolveDesired(
  kube: KubeApi,
  rendered: readonly RenderedObject[],
  owner: SyncIdentity,
  /** Kept between syncs (the agent's loop passes them); the result is the same without them. */
  memos: { readonly digests?: DigestMemo; readonly desired?: DesiredMemo } = {},
): Promise<DesiredSet> {
  const { digests } = memos;
  const fromCrds = crdKinds(rendered);
  const objects: DesiredObject[] = [];
  const unknown: DesiredSet['unknown'][number][] = [];
  const unresolvedKinds = new Set<string>();
  // One discovery answer per kind, not one await per object.
  const kinds = new Map<string, Promise<ResourceInfo | undefined>>();
  const resolve = (ref: ObjectRef): Promise<ResourceInfo | undefined> => {
    const key = `${ref.group}/${ref.version}/${ref.kind}`;
    let info = kinds.get(key);
    if (info === undefined) {
      info = kube.resolve(ref.group, ref.version, ref.kind);
      kinds.set(key, info);
    }
    return info;
  };
  for (const object of rendered) {
    const source = `${object.source.file}:${object.source.line}`;
    const kindKey = `${object.ref.group}/${object.ref.kind}`;
    let info: ResourceInfo | undefined;
    try {
      info = await resolve(object.ref);
    } catch (error) {
      unresolvedKinds.add(kindKey);
      unknown.push({ ref: object.ref, source, message: `discovery failed: ${(error as Error).message}` });
      continue;
    }
    if (info === undefined && !fromCrds.has(kindKey)) {
      unresolvedKinds.add(kindKey);
      const gv = object.ref.group === '' ? object.ref.version : `${object.ref.group}/${object.ref.version}`;
      unknown.push({
        ref: object.ref,
        source,
        message: `${formatRef(object.ref)}: the cluster does not serve ${object.ref.kind} in ${gv}, and no CustomResourceDefinition in this revision defines it`,
      });
      continue;
    }
    const made = memos.desired?.get(object, owner, info);
    if (made !== undefined) {
      objects.push(made);
      continue;
    }
    const manifest: KubeObject = structuredClone(object.manifest);
    let ref = object.ref;
    if (info !== undefined && !info.namespaced && object.namespaceDefaulted) {
      delete manifest.metadata.namespace;
      ref = { ...ref, namespace: '' };
    }
    manifest.metadata.labels = {
      ...(manifest.metadata.labels ?? {}),
      [OWNER_NAMESPACE_LABEL]: owner.namespace,
      [OWNER_NAME_LABEL]: owner.name,
    };
    manifest.metadata.annotations = {
      ...(manifest.metadata.annotations ?? {}),
      [DIGEST_ANNOTATION]: digests?.digest(manifest) ?? manifestDigest(manifest),
    };
    const desired = { ref, manifest, source, info };
    memos.desired?.set(object, owner, desired);
    objects.push(desired);
  }
  return { owner, objects, unknown, unresolvedKinds };
}
