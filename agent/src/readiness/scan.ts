// The readiness scan: discovery of every namespaced, listable kind in any served version (Events and
// Leases aside), one metadata-only list of each, then the classifier. A kind is listed cluster-wide when
// the agent may and more than one namespace is managed (one request for all of them); else, or on a 403,
// once per managed namespace. A kind still forbidden, or whose list failed, is unknown: nothing of it
// counts. StatefulSets are listed whole when Git describes one, for the names of its volumeClaimTemplates.
import { refKey, type ObjectRef } from '@ferry/shared';
import { mapLimit } from '../concurrency.ts';
import { KubeError, type KubeApi, type KubeObject, type ResourceInfo } from '../kube/index.ts';
import { classifyReadiness } from './classify.ts';
import { kindName } from './format.ts';
import { isIgnoredKind } from './kubernetes-made.ts';
import { managedNamespaces } from './managed-namespaces.ts';
import type { ClaimTemplates, ListedObject, OwnerReference, ReadinessReport } from './types.ts';

export interface ScanOptions {
  /** What Git describes and the agent applied (the inventory's refs). */
  readonly managed: readonly ObjectRef[];
  readonly targetNamespace: string;
  /** Left out of the scan: the install manifest rebuilds it, not Git. */
  readonly agentNamespace: string;
  /** Namespace-scoped profile: lists only per namespace, only in these. Empty: cluster-wide. */
  readonly watchNamespaces: readonly string[];
  /** Lists in flight at once. */
  readonly concurrency: number;
  /** The agent stopping: no further list starts, and the scan throws. */
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

export const DEFAULT_SCAN_CONCURRENCY = 4;

export interface ScanResult {
  readonly report: ReadinessReport;
  /** Requests made: /apis, and each list page (group-versions that discovery has cached cost none). */
  readonly requests: number;
  /** Why a kind's list failed, other than a 403 (the kind is in unknownKinds too). */
  readonly failures: readonly string[];
}

export type ScanKube = Pick<KubeApi, 'listResources' | 'listMetadata' | 'list'>;

interface KindResult {
  readonly items: readonly KubeObject[];
  readonly requests: number;
  readonly unknown: boolean;
  readonly failure?: string;
}

const LIST_PAGE = 500;

export async function scanReadiness(kube: ScanKube, options: ScanOptions): Promise<ScanResult> {
  const scannedAt = (options.now?.() ?? new Date()).toISOString();
  const namespaces = managedNamespaces(options);
  const empty = { scannedAt, namespaces, managed: options.managed, claimTemplates: [], unknownKinds: [] };
  if (namespaces.length === 0)
    return { report: classifyReadiness({ ...empty, listed: [] }), requests: 0, failures: [] };
  const kinds = (await kube.listResources({ everyVersion: true })).filter(
    (info) => info.namespaced && info.verbs.includes('list') && !isIgnoredKind(info),
  );
  const managed = new Set(options.managed.map(refKey));
  const wholeStatefulSets = options.managed.some(isStatefulSet);
  const clusterWide = options.watchNamespaces.length === 0 && namespaces.length > 1;
  const results = await mapLimit(kinds, options.concurrency, (info) => {
    if (options.signal?.aborted === true) return Promise.resolve(undefined);
    const whole = wholeStatefulSets && isStatefulSet(info);
    return listKind(kube, info, { namespaces, clusterWide, whole });
  });
  if (options.signal?.aborted === true) throw new Error('readiness scan stopped: the agent is stopping');

  let requests = 1;
  const listed: ListedObject[] = [];
  const claimTemplates: ClaimTemplates[] = [];
  const unknownKinds: string[] = [];
  const failures: string[] = [];
  kinds.forEach((info, index) => {
    const result = results[index];
    if (result === undefined) return;
    requests += result.requests;
    if (result.unknown) unknownKinds.push(kindName(info));
    if (result.failure !== undefined) failures.push(result.failure);
    for (const object of result.items) {
      listed.push(listedOf(object));
      const templates = isStatefulSet(info) ? claimTemplatesOf(object, managed) : undefined;
      if (templates !== undefined) claimTemplates.push(templates);
    }
  });
  const report = classifyReadiness({ ...empty, listed, claimTemplates, unknownKinds });
  return { report, requests, failures };
}

const isStatefulSet = (ref: Pick<ObjectRef, 'group' | 'kind'>): boolean =>
  ref.group === 'apps' && ref.kind === 'StatefulSet';

async function listKind(
  kube: ScanKube,
  info: ResourceInfo,
  how: { readonly namespaces: readonly string[]; readonly clusterWide: boolean; readonly whole: boolean },
): Promise<KindResult> {
  const read = async (namespace?: string): Promise<{ items: KubeObject[]; requests: number }> => {
    const options = namespace === undefined ? {} : { namespace };
    if (!how.whole) return kube.listMetadata(info, options);
    const items = await kube.list(info, options);
    return { items, requests: Math.max(1, Math.ceil(items.length / LIST_PAGE)) };
  };
  let requests = 0;
  if (how.clusterWide) {
    try {
      const answer = await read();
      return { items: answer.items, requests: answer.requests, unknown: false };
    } catch (error) {
      requests++;
      if (!isCode(error, 'forbidden')) return failed(info, error, requests);
    }
  }
  const items: KubeObject[] = [];
  let unknown = false;
  for (const namespace of how.namespaces) {
    try {
      const answer = await read(namespace);
      requests += answer.requests;
      items.push(...answer.items);
    } catch (error) {
      requests++;
      if (!isCode(error, 'forbidden')) return failed(info, error, requests);
      unknown = true;
    }
  }
  return { items, requests, unknown };
}

const isCode = (error: unknown, code: KubeError['code']): boolean =>
  error instanceof KubeError && error.code === code;

/** A kind gone since discovery (404) has nothing to count; any other failure makes it unknown. */
function failed(info: ResourceInfo, error: unknown, requests: number): KindResult {
  if (isCode(error, 'not-found')) return { items: [], requests, unknown: false };
  const message = error instanceof Error ? error.message : String(error);
  return { items: [], requests, unknown: true, failure: `${kindName(info)}: ${message}` };
}

function listedOf(object: KubeObject): ListedObject {
  const { name, namespace, uid, labels, annotations, ownerReferences } = object.metadata;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(uid !== undefined ? { uid } : {}),
      ...(labels !== undefined ? { labels } : {}),
      ...(annotations !== undefined ? { annotations } : {}),
      ownerReferences: (ownerReferences ?? []).filter(isOwnerReference),
    },
  };
}

function isOwnerReference(value: unknown): value is OwnerReference {
  if (typeof value !== 'object' || value === null) return false;
  const owner = value as Record<string, unknown>;
  return ['apiVersion', 'kind', 'name', 'uid'].every((key) => typeof owner[key] === 'string');
}

/** The volumeClaimTemplates' names of a StatefulSet Git describes (read whole); else undefined. */
function claimTemplatesOf(object: KubeObject, managed: ReadonlySet<string>): ClaimTemplates | undefined {
  const namespace = object.metadata.namespace ?? '';
  const ref = { group: 'apps', version: '', kind: 'StatefulSet', namespace, name: object.metadata.name };
  if (!managed.has(refKey(ref))) return undefined;
  const spec = object.spec as { volumeClaimTemplates?: { metadata?: { name?: unknown } }[] } | undefined;
  const templates = (spec?.volumeClaimTemplates ?? []).flatMap((template) =>
    typeof template.metadata?.name === 'string' ? [template.metadata.name] : [],
  );
  return templates.length === 0 ? undefined : { namespace, statefulSet: object.metadata.name, templates };
}
