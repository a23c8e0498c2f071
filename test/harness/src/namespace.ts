// A fresh namespace per test: tests share clusters, never namespaces.
import { randomBytes } from 'node:crypto';
import type { KubeHttp } from './kube-http.ts';

export interface FreshNamespace {
  readonly name: string;
  /** Deletes the namespace (in the background on the server; it takes seconds to go). */
  remove(): Promise<void>;
}

export async function freshNamespace(kube: KubeHttp, prefix: string): Promise<FreshNamespace> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kube.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return {
    name,
    remove: async () => {
      const response = await kube.raw('DELETE', `/api/v1/namespaces/${name}`);
      if (response.status !== 200 && response.status !== 202 && response.status !== 404) {
        throw new Error(`deleting Namespace/${name} answered ${response.status}`);
      }
    },
  };
}
