// Ferry's own small view of the Kubernetes API. Only kube/client.ts touches @kubernetes/client-node;
// everything else works on these types.
import type { ObjectRef } from '@ferry/shared';
import type { WatchEvent } from './watch.ts';

export interface KubeMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedFieldsEntry[];
  finalizers?: string[];
  ownerReferences?: unknown[];
  [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
  time?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [key: string]: unknown;
}

export const KUBE_ERROR_CODES = [
  'not-found',
  'conflict',
  /** 410 Gone: a watch or list resourceVersion too old. */
  'gone',
  /** Refused as invalid: 422, 400, and 1.20's 500 answers that are really validation errors. Final. */
  'invalid',
  'forbidden',
  'unauthorized',
  /** The API server cannot be reached or answered 5xx/429: worth retrying. */
  'unavailable',
  'unknown-kind',
  'failed',
] as const;
export type KubeErrorCode = (typeof KUBE_ERROR_CODES)[number];

export class KubeError extends Error {
  readonly code: KubeErrorCode;
  readonly status: number | undefined;

  constructor(code: KubeErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'KubeError';
    this.code = code;
    this.status = options.status;
  }

  /** Worth trying again later (the same request may succeed). */
  get retriable(): boolean {
    return this.code === 'unavailable' || this.code === 'conflict';
  }
}

export interface ResourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural resource name used in URLs. */
  readonly resource: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

/** What GET /version answers, the part Ferry reads. */
export interface ServerVersion {
  readonly gitVersion: string;
  readonly major?: string;
  readonly minor?: string;
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export type JsonPatchOperation =
  | { readonly op: 'remove' | 'test'; readonly path: string; readonly value?: unknown }
  | { readonly op: 'replace' | 'add'; readonly path: string; readonly value: unknown };

export interface ApplyOptions {
  readonly fieldManager: string;
  readonly force: boolean;
  readonly dryRun: boolean;
  /**
   * `metadata`: the API server answers with the object's metadata only (PartialObjectMetadata), which
   * costs it and the client less than the whole object; for callers that need no more.
   */
  readonly answer?: 'object' | 'metadata';
}

/** The calls the engine makes. One implementation talks to a real API server (kube/api.ts). */
export interface KubeApi {
  /** Resolves a kind through discovery; refreshes discovery once when the kind is unknown. */
  resolve(group: string, version: string, kind: string): Promise<ResourceInfo | undefined>;
  /**
   * Every listable resource the server serves, at each group's preferred version; with `everyVersion`,
   * also the kinds that only another version of a group serves (batch/v1beta1 CronJob on 1.20), each
   * kind once, at the preferred version when that serves it.
   */
  listResources(options?: { everyVersion?: boolean }): Promise<ResourceInfo[]>;
  /** Forgets cached discovery (after CRDs were created). */
  invalidateDiscovery(): void;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(info: ResourceInfo, options?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>;
  /** Server-side apply (PATCH application/apply-patch+yaml). With `answer: 'metadata'`, only `metadata` is set. */
  apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  create(object: KubeObject): Promise<KubeObject>;
  /** PUT; object.metadata.resourceVersion is the precondition. */
  replace(object: KubeObject): Promise<KubeObject>;
  /** JSON merge patch (RFC 7386), on the object or on its status subresource. */
  mergePatch(ref: ObjectRef, patch: unknown, options?: { subresource?: 'status' }): Promise<KubeObject>;
  /**
   * Watches from `resourceVersion` until the server ends the stream or `signal` aborts. A 410 Gone
   * (an ERROR event) throws KubeError 'gone': list again, then watch from the list's resourceVersion.
   */
  watch(
    info: ResourceInfo,
    options: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
      resourceVersion: string;
      timeoutSeconds?: number;
      signal?: AbortSignal;
    },
  ): AsyncGenerator<WatchEvent>;
  /**
   * Every object's metadata only (PartialObjectMetadataList, paged): apiVersion, kind and metadata, no
   * spec or status; `requests` counts the pages asked for.
   */
  listMetadata(
    info: ResourceInfo,
    options?: { namespace?: string },
  ): Promise<{ items: KubeObject[]; requests: number }>;
  /** A list with its resourceVersion, to start a watch from. */
  listWithVersion(
    info: ResourceInfo,
    options?: { namespace?: string; labelSelector?: string; fieldSelector?: string },
  ): Promise<{ items: KubeObject[]; resourceVersion: string }>;
  /** JSON patch (RFC 6902). */
  jsonPatch(ref: ObjectRef, operations: readonly JsonPatchOperation[]): Promise<KubeObject>;
  /** The API server's version (GET /version): `gitVersion` such as `v1.30.2`. */
  serverVersion(): Promise<ServerVersion>;
  /** 'absent' when it was already gone. */
  delete(
    ref: ObjectRef,
    options?: { propagation?: Propagation; uid?: string },
  ): Promise<'deleted' | 'absent'>;
}
