// Smoke test: @kubernetes/client-node server-side-applies an object on a real harness cluster, and
// kubectl (the referee) sees it, with the field manager that applied it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { freshNamespace, Harness, type FreshNamespace } from '../harness/src/index.ts';

const CLUSTER = process.env.FERRY_TEST_CLUSTER ?? 'c1';

describe('@kubernetes/client-node against a harness cluster', () => {
  const harness = Harness.fromEnv();
  const kube = harness.kube(CLUSTER);
  let ns: FreshNamespace;
  let objects: KubernetesObjectApi;

  before(async () => {
    ns = await freshNamespace(kube, 'smoke-ssa');
    const config = new KubeConfig();
    config.loadFromFile(harness.cluster(CLUSTER).kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(config);
  });
  after(async () => {
    await ns.remove();
    await kube.close();
  });

  it('server-side-applies a ConfigMap that kubectl then sees, owned by the field manager', async () => {
    const configMap: KubernetesObject & { data: Record<string, string> } = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'greeting', namespace: ns.name },
      data: { greeting: 'hello' },
    };
    await objects.patch(configMap, undefined, undefined, 'ferry-smoke', true, PatchStrategy.ServerSideApply);

    const data = await harness.kubectl(CLUSTER, [
      'get',
      'configmap',
      'greeting',
      '-n',
      ns.name,
      '-o',
      'jsonpath={.data}',
    ]);
    assert.deepEqual(JSON.parse(data), { greeting: 'hello' });
    // kubectl >= 1.21 hides managedFields in `get -o json`; the raw read shows them with any kubectl.
    const raw = await harness.kubectl(CLUSTER, [
      'get',
      '--raw',
      `/api/v1/namespaces/${ns.name}/configmaps/greeting`,
    ]);
    const { metadata } = JSON.parse(raw) as {
      metadata: { managedFields: { manager: string; operation: string }[] };
    };
    assert.ok(
      metadata.managedFields.some((field) => field.manager === 'ferry-smoke' && field.operation === 'Apply'),
      `managedFields name ferry-smoke:Apply: ${JSON.stringify(metadata.managedFields)}`,
    );
  });

  it('a server-side dry-run of a Deployment leaves nothing behind', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'dry', namespace: ns.name },
      spec: {
        selector: { matchLabels: { app: 'dry' } },
        template: {
          metadata: { labels: { app: 'dry' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'example.invalid/app:1',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
              },
            ],
          },
        },
      },
    };
    const answer = await objects.patch(
      deployment,
      undefined,
      'All',
      'ferry-smoke',
      true,
      PatchStrategy.ServerSideApply,
    );
    assert.equal(answer.metadata.name, 'dry');
    const listed = await harness.kubectl(CLUSTER, ['get', 'deployments', '-n', ns.name, '-o', 'name']);
    assert.equal(listed.trim(), '');
  });
});
