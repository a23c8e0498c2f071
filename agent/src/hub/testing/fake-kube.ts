// A KubeApi for the hub link's tests: Secrets and Namespaces kept in memory, with resourceVersions
// that a PUT must match (409 otherwise) and a create that refuses an existing name (409), as the API
// server does. Hooks let a test race another writer in between a read and a write.
import { KubeError, type KubeApi, type KubeObject } from '../../kube/index.ts';
import type { ObjectRef } from '@ferry/shared';

export class FakeKube {
  readonly objects = new Map<string, KubeObject>();
  #version = 0;
  /** Runs after every get: a test writes here to lose a race on purpose. */
  afterGet: ((ref: ObjectRef) => void) | undefined;
  writes = 0;

  static key(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
    return `${ref.kind}/${ref.namespace}/${ref.name}`;
  }

  put(object: KubeObject): KubeObject {
    const stored = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(++this.#version) },
    };
    this.objects.set(
      FakeKube.key({
        kind: object.kind,
        namespace: object.metadata.namespace ?? '',
        name: object.metadata.name,
      }),
      stored,
    );
    return stored;
  }

  get api(): KubeApi {
    const api: Pick<KubeApi, 'get' | 'create' | 'replace' | 'serverVersion'> = {
      get: (ref) => {
        const found = this.objects.get(FakeKube.key(ref));
        this.afterGet?.(ref);
        return Promise.resolve(found === undefined ? undefined : structuredClone(found));
      },
      create: (object) => {
        const key = FakeKube.key({
          kind: object.kind,
          namespace: object.metadata.namespace ?? '',
          name: object.metadata.name,
        });
        if (this.objects.has(key))
          return Promise.reject(new KubeError('conflict', `create ${key}: already exists`));
        this.writes++;
        return Promise.resolve(this.put(object));
      },
      replace: (object) => {
        const key = FakeKube.key({
          kind: object.kind,
          namespace: object.metadata.namespace ?? '',
          name: object.metadata.name,
        });
        const current = this.objects.get(key);
        if (current === undefined)
          return Promise.reject(new KubeError('not-found', `replace ${key}: not found`));
        if (current.metadata.resourceVersion !== object.metadata.resourceVersion)
          return Promise.reject(new KubeError('conflict', `replace ${key}: resourceVersion changed`));
        this.writes++;
        return Promise.resolve(this.put(object));
      },
      serverVersion: () => Promise.resolve({ gitVersion: 'v1.30.2' }),
    };
    return api as KubeApi;
  }
}

export function secret(namespace: string, name: string, data: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    ...(Object.keys(data).length > 0
      ? {
          data: Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
        }
      : {}),
  };
}
