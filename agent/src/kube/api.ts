// KubeApi on a real API server: one keep-alive HTTP client (the CA read once), JSON in and out,
// errors translated once (errors.ts), discovery cached (discovery.ts).
import { formatRef, parseApiVersion, type ObjectRef } from '@ferry/shared';
import { createHttpClient, text, type HttpClient } from '../http-client.ts';
import type { KubeConnection } from './client.ts';
import { Discovery } from './discovery.ts';
import { httpError, networkError } from './errors.ts';
import { watchEvents, type WatchEvent } from './watch.ts';
import {
  KubeError,
  type ApplyOptions,
  type JsonPatchOperation,
  type KubeApi,
  type KubeObject,
  type Propagation,
  type ResourceInfo,
  type ServerVersion,
} from './types.ts';

export interface KubeApiOptions {
  /** Connections kept open to the API server. */
  readonly connections: number;
  readonly timeoutMs: number;
  /** Counts every request (benchmarks report them). */
  readonly onRequest?: (method: string, path: string) => void;
}

export const DEFAULT_KUBE_API_OPTIONS: KubeApiOptions = { connections: 16, timeoutMs: 30_000 };

const LIST_PAGE = 500;

/** Asks for PartialObjectMetadata (served for every kind since Kubernetes 1.15). */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
/** The same for a list: PartialObjectMetadataList. */
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

export class KubeApiClient implements KubeApi {
  readonly #connection: KubeConnection;
  readonly #http: HttpClient;
  readonly #discovery: Discovery;
  readonly #options: KubeApiOptions;

  constructor(connection: KubeConnection, options: KubeApiOptions = DEFAULT_KUBE_API_OPTIONS) {
    this.#connection = connection;
    this.#options = options;
    this.#http = createHttpClient({
      connections: options.connections,
      keepAliveMs: 30_000,
      timeoutMs: options.timeoutMs,
      ca: connection.ca,
      cert: connection.cert,
      key: connection.key,
      rejectUnauthorized: !connection.insecureSkipTlsVerify,
    });
    this.#discovery = new Discovery(async (path) => {
      const answer = await this.#send('GET', path, 'discovery');
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw httpError(`discovery of ${path}`, answer.status, answer.body);
      return answer.body as { resources: [] };
    });
  }

  get server(): string {
    return this.#connection.server;
  }

  async close(): Promise<void> {
    this.#http.close();
    await Promise.resolve();
  }

  async #send(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    what: string,
    body?: unknown,
    contentType = 'application/json',
    accept = 'application/json',
  ): Promise<{ status: number; body: unknown }> {
    this.#options.onRequest?.(method, path);
    const headers: Record<string, string> = { accept };
    const authorization = this.#connection.authorization();
    if (authorization !== undefined) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = contentType;
    let response;
    let answer: string;
    try {
      response = await this.#http.request(`${this.#connection.server}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      answer = await text(response.body);
    } catch (error) {
      throw networkError(what, this.#connection.server, error);
    }
    let parsed: unknown = answer;
    try {
      parsed = answer === '' ? undefined : JSON.parse(answer);
    } catch {
      // Not JSON (a proxy's error page): keep the text for the message.
    }
    return { status: response.statusCode, body: parsed };
  }

  async #info(ref: Pick<ObjectRef, 'group' | 'version' | 'kind'>, what: string): Promise<ResourceInfo> {
    const info = await this.resolve(ref.group, ref.version, ref.kind);
    if (info === undefined) {
      const gv = ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
      throw new KubeError('unknown-kind', `${what}: the API server does not serve kind ${ref.kind} in ${gv}`);
    }
    return info;
  }

  #path(info: ResourceInfo, namespace: string | undefined, name?: string): string {
    const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
    const ns =
      info.namespaced && namespace !== undefined && namespace !== ''
        ? `/namespaces/${encodeURIComponent(namespace)}`
        : '';
    return `${base}${ns}/${info.resource}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  resolve(group: string, version: string, kind: string): Promise<ResourceInfo | undefined> {
    return this.#discovery.resolve(group, version, kind);
  }

  async listResources(options: { everyVersion?: boolean } = {}): Promise<ResourceInfo[]> {
    const groups = await this.#send('GET', '/apis', 'discovery of /apis');
    if (groups.status !== 200) throw httpError('discovery of /apis', groups.status, groups.body);
    const served = (
      groups.body as {
        groups: { name: string; versions?: { version: string }[]; preferredVersion: { version: string } }[];
      }
    ).groups;
    // The preferred version first: a kind served in several versions is listed once, at the first.
    const versions = [
      { group: '', version: 'v1' },
      ...served.flatMap((group) => [
        { group: group.name, version: group.preferredVersion.version },
        ...(options.everyVersion === true ? (group.versions ?? []) : [])
          .filter((v) => v.version !== group.preferredVersion.version)
          .map((v) => ({ group: group.name, version: v.version })),
      ]),
    ];
    const all: ResourceInfo[] = [];
    const seen = new Set<string>();
    for (const { group, version } of versions) {
      for (const info of await this.#discovery.resources(group, version)) {
        const key = `${group}/${info.kind}`;
        if (!info.verbs.includes('list') || seen.has(key)) continue;
        seen.add(key);
        all.push(info);
      }
    }
    return all;
  }

  invalidateDiscovery(): void {
    this.#discovery.invalidate();
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const what = `get ${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const answer = await this.#send('GET', this.#path(info, ref.namespace, ref.name), what);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw httpError(what, answer.status, answer.body);
    return answer.body as KubeObject;
  }

  async list(
    info: ResourceInfo,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    return (await this.listWithVersion(info, options)).items;
  }

  async listWithVersion(
    info: ResourceInfo,
    options: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const { items, resourceVersion } = await this.#listPages(info, options, 'application/json');
    return { items, resourceVersion };
  }

  async listMetadata(
    info: ResourceInfo,
    options: { namespace?: string } = {},
  ): Promise<{ items: KubeObject[]; requests: number }> {
    const { items, requests } = await this.#listPages(info, options, METADATA_LIST);
    return { items, requests };
  }

  /** Every page of a list, asked for with `accept`; items get the list's apiVersion and kind. */
  async #listPages(
    info: ResourceInfo,
    options: { namespace?: string; labelSelector?: string; fieldSelector?: string },
    accept: string,
  ): Promise<{ items: KubeObject[]; resourceVersion: string; requests: number }> {
    const what = `list ${info.kind}${options.namespace ? ` in ${options.namespace}` : ''}`;
    const items: KubeObject[] = [];
    let next: string | undefined;
    let resourceVersion = '';
    let requests = 0;
    do {
      const query = new URLSearchParams({ limit: String(LIST_PAGE) });
      if (options.labelSelector !== undefined) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector !== undefined) query.set('fieldSelector', options.fieldSelector);
      if (next !== undefined) query.set('continue', next);
      requests++;
      const answer = await this.#send(
        'GET',
        `${this.#path(info, options.namespace)}?${query.toString()}`,
        what,
        undefined,
        undefined,
        accept,
      );
      if (answer.status !== 200) throw httpError(what, answer.status, answer.body);
      const list = answer.body as {
        items: KubeObject[] | null;
        metadata?: { continue?: string; resourceVersion?: string };
      };
      const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
      for (const item of list.items ?? []) items.push({ ...item, apiVersion, kind: info.kind });
      next = list.metadata?.continue || undefined;
      resourceVersion = list.metadata?.resourceVersion ?? resourceVersion;
    } while (next !== undefined);
    return { items, resourceVersion, requests };
  }

  async *watch(
    info: ResourceInfo,
    options: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
      resourceVersion: string;
      timeoutSeconds?: number;
      signal?: AbortSignal;
    },
  ): AsyncGenerator<WatchEvent> {
    const what = `watch ${info.kind}${options.namespace ? ` in ${options.namespace}` : ''}`;
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(options.timeoutSeconds ?? 300),
    });
    if (options.labelSelector !== undefined) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector !== undefined) query.set('fieldSelector', options.fieldSelector);
    const path = `${this.#path(info, options.namespace)}?${query.toString()}`;
    this.#options.onRequest?.('GET', path);
    const headers: Record<string, string> = { accept: 'application/json' };
    const authorization = this.#connection.authorization();
    if (authorization !== undefined) headers.authorization = authorization;
    let response;
    try {
      response = await this.#http.request(`${this.#connection.server}${path}`, {
        method: 'GET',
        headers,
        // A watch is quiet for long stretches; the server's timeoutSeconds ends it.
        timeoutMs: 0,
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted === true) return;
      throw networkError(what, this.#connection.server, error);
    }
    const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
    try {
      for await (const event of watchEvents(what, response)) {
        yield { type: event.type, object: { ...event.object, apiVersion, kind: info.kind } };
      }
    } catch (error) {
      if (options.signal?.aborted === true) return;
      if (error instanceof KubeError) throw error;
      throw networkError(what, this.#connection.server, error);
    }
  }

  async mergePatch(
    ref: ObjectRef,
    patch: unknown,
    options: { subresource?: 'status' } = {},
  ): Promise<KubeObject> {
    const what = `patch ${options.subresource === 'status' ? 'status of ' : ''}${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const suffix = options.subresource === undefined ? '' : `/${options.subresource}`;
    const answer = await this.#send(
      'PATCH',
      `${this.#path(info, ref.namespace, ref.name)}${suffix}`,
      what,
      patch,
      'application/merge-patch+json',
    );
    if (answer.status !== 200) throw httpError(what, answer.status, answer.body);
    return answer.body as KubeObject;
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const ref = refOf(object);
    const what = `${options.dryRun ? 'dry-run apply' : 'apply'} ${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const query = new URLSearchParams({ fieldManager: options.fieldManager, force: String(options.force) });
    if (options.dryRun) query.set('dryRun', 'All');
    const path = `${this.#path(info, ref.namespace, ref.name)}?${query.toString()}`;
    // JSON is YAML: the apply-patch content type takes it as it is.
    const answer = await this.#send(
      'PATCH',
      path,
      what,
      object,
      'application/apply-patch+yaml',
      options.answer === 'metadata' ? METADATA_ONLY : 'application/json',
    );
    if (answer.status !== 200 && answer.status !== 201) throw httpError(what, answer.status, answer.body);
    if (options.answer !== 'metadata') return answer.body as KubeObject;
    const { metadata } = answer.body as { metadata: KubeObject['metadata'] };
    return { apiVersion: object.apiVersion, kind: object.kind, metadata };
  }

  async create(object: KubeObject): Promise<KubeObject> {
    const ref = refOf(object);
    const what = `create ${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const answer = await this.#send('POST', this.#path(info, ref.namespace), what, object);
    if (answer.status !== 201 && answer.status !== 200) throw httpError(what, answer.status, answer.body);
    return answer.body as KubeObject;
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    const ref = refOf(object);
    const what = `replace ${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const answer = await this.#send('PUT', this.#path(info, ref.namespace, ref.name), what, object);
    if (answer.status !== 200) throw httpError(what, answer.status, answer.body);
    return answer.body as KubeObject;
  }

  async jsonPatch(ref: ObjectRef, operations: readonly JsonPatchOperation[]): Promise<KubeObject> {
    const what = `patch ${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const answer = await this.#send(
      'PATCH',
      this.#path(info, ref.namespace, ref.name),
      what,
      operations,
      'application/json-patch+json',
    );
    if (answer.status !== 200) throw httpError(what, answer.status, answer.body);
    return answer.body as KubeObject;
  }

  async serverVersion(): Promise<ServerVersion> {
    const what = 'read the server version';
    const answer = await this.#send('GET', '/version', what);
    if (answer.status !== 200) throw httpError(what, answer.status, answer.body);
    const body = answer.body as Partial<Record<string, unknown>> | undefined;
    const gitVersion = body?.gitVersion;
    if (typeof gitVersion !== 'string' || gitVersion === '')
      throw new KubeError('failed', `${what}: the answer has no gitVersion`);
    return {
      gitVersion,
      ...(typeof body?.major === 'string' ? { major: body.major } : {}),
      ...(typeof body?.minor === 'string' ? { minor: body.minor } : {}),
    };
  }

  async delete(
    ref: ObjectRef,
    options: { propagation?: Propagation; uid?: string } = {},
  ): Promise<'deleted' | 'absent'> {
    const what = `delete ${formatRef(ref)}`;
    const info = await this.#info(ref, what);
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagation ?? 'Background',
      ...(options.uid !== undefined ? { preconditions: { uid: options.uid } } : {}),
    };
    const answer = await this.#send('DELETE', this.#path(info, ref.namespace, ref.name), what, body);
    if (answer.status === 404) return 'absent';
    if (answer.status !== 200 && answer.status !== 202) throw httpError(what, answer.status, answer.body);
    return 'deleted';
  }
}

/** The ObjectRef of a manifest or live object. */
export function refOf(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): ObjectRef {
  return {
    ...parseApiVersion(object.apiVersion),
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  };
}
