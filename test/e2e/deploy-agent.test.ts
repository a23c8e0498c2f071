// End to end: the one-command install. `kubectl apply -k deploy/agent` on a fresh cluster of its own (the
// install creates cluster-scoped objects), then kubectl as the referee: the CRD established, the objects
// as the install contract says, the bootstrap GitSync accepted and defaulted by the schema, bad specs
// refused naming the field, the printer columns; then the uninstall, and the namespaced profile with its
// rights checked by `auth can-i`. No kubelet runs here: the agent's pod stays Pending, and nothing below
// needs it. Only kubectl 1.20 features (apply/delete -k, kustomize, wait --for=condition, auth can-i,
// --dry-run=server, --validate=false so that the API server is the one that judges).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { Harness } from '../harness/src/index.ts';
import { REPO_ROOT } from './ferry-agent.ts';

const CLUSTER = 'deploy-agent';
const NS = 'ferry-system';
const AGENT_USER = `system:serviceaccount:${NS}:ferry-agent`;
const GITSYNCS = `/apis/ferry.dev/v1alpha1/namespaces/${NS}/gitsyncs`;
const harness = Harness.fromEnv();

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  rules?: { apiGroups?: string[]; resources?: string[]; verbs: string[] }[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  image: string;
  args: string[];
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: unknown;
  securityContext: unknown;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  terminationGracePeriodSeconds: number;
  containers: Container[];
  volumes: { name: string; emptyDir?: unknown }[];
}
interface Deployment {
  spec: { replicas: number; template: { spec: PodSpec } };
}

const kubectl = (args: readonly string[], input?: string): Promise<string> =>
  harness.kubectl(CLUSTER, args, input);
const getJson = async <T>(args: readonly string[]): Promise<T> =>
  JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
const path = (dir: string): string => join(REPO_ROOT, dir);
const envOf = (container: Container): Record<string, string> =>
  Object.fromEntries(
    container.env.map((e) => [e.name, e.value ?? `fieldRef:${e.valueFrom?.fieldRef?.fieldPath ?? '?'}`]),
  );
const build = async (dir: string): Promise<Manifest[]> =>
  parseAllDocuments(await kubectl(['kustomize', path(dir)])).map((doc) => doc.toJS() as Manifest);
/** `kubectl auth can-i` as the agent; it answers "no" with exit code 1. */
const canI = async (question: string): Promise<boolean> => {
  try {
    return (await kubectl(['auth', 'can-i', ...question.split(' '), `--as=${AGENT_USER}`])).trim() === 'yes';
  } catch (error) {
    if ((error as { cause?: { stdout?: string } }).cause?.stdout?.trim() === 'no') return false;
    throw error;
  }
};
const bootstrapOf = (objects: readonly Manifest[]): Manifest => {
  const configMap = objects.find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === 'ferry-agent-bootstrap',
  );
  return parse(configMap?.data?.['gitsync.yaml'] ?? '') as Manifest;
};

describe('deploy/agent on a fresh cluster', () => {
  let started = false;
  before(async () => {
    await harness.addCluster(CLUSTER);
    started = true;
  });
  after(async () => {
    if (started) await harness.destroyCluster(CLUSTER);
  });

  it('installs in one step with kubectl apply -k deploy/agent, and the CRD becomes Established', async () => {
    const out = await kubectl(['apply', '-k', path('deploy/agent')]);
    for (const line of [
      'namespace/ferry-system created',
      'customresourcedefinition.apiextensions.k8s.io/gitsyncs.ferry.dev created',
      'serviceaccount/ferry-agent created',
      'clusterrole.rbac.authorization.k8s.io/ferry-agent created',
      'clusterrolebinding.rbac.authorization.k8s.io/ferry-agent created',
      'configmap/ferry-agent-bootstrap created',
      'secret/ferry-agent-credential created',
      'deployment.apps/ferry-agent created',
    ])
      assert.ok(out.includes(line), `${line} in:\n${out}`);
    await kubectl(['wait', '--for=condition=Established', 'crd/gitsyncs.ferry.dev', '--timeout=60s']);
    const crd = await getJson<{ spec: Record<string, unknown> & { versions: Record<string, unknown>[] } }>([
      'get',
      'crd',
      'gitsyncs.ferry.dev',
    ]);
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.deepEqual(crd.spec.names, {
      kind: 'GitSync',
      listKind: 'GitSyncList',
      plural: 'gitsyncs',
      singular: 'gitsync',
      shortNames: ['gs'],
    });
    const [version] = crd.spec.versions;
    assert.deepEqual([version?.name, version?.served, version?.storage], ['v1alpha1', true, true]);
    assert.deepEqual(version?.subresources, { status: {} });
  });

  it('ships the hub credential Secret empty, and re-applying the install keeps what the agent stored in it', async () => {
    const empty = await getJson<{ data?: Record<string, string> }>([
      '-n',
      'ferry-system',
      'get',
      'secret',
      'ferry-agent-credential',
    ]);
    assert.equal(empty.data, undefined);
    const stored = Buffer.from('a-credential-the-agent-made').toString('base64');
    await kubectl([
      '-n',
      'ferry-system',
      'patch',
      'secret',
      'ferry-agent-credential',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { credential: stored } }),
    ]);
    await kubectl(['apply', '-k', path('deploy/agent')]);
    const after = await getJson<{ data?: Record<string, string> }>([
      '-n',
      'ferry-system',
      'get',
      'secret',
      'ferry-agent-credential',
    ]);
    assert.equal(after.data?.credential, stored);
  });

  it('runs the agent as the contract says: image, args, env, port, probes, resources, securityContext', async () => {
    const deployment = await getJson<Deployment>(['get', 'deployment', 'ferry-agent', '-n', NS]);
    const pod = deployment.spec.template.spec;
    assert.equal(deployment.spec.replicas, 1);
    assert.equal(pod.serviceAccountName, 'ferry-agent');
    assert.equal(pod.terminationGracePeriodSeconds, 60);
    const [agent, ...others] = pod.containers;
    assert.ok(agent !== undefined && others.length === 0);
    assert.equal(agent.name, 'agent');
    assert.equal(agent.image, 'ghcr.io/ferry-dev/ferry-agent:0.1.0');
    assert.deepEqual(agent.args, ['run']);
    assert.deepEqual(envOf(agent), {
      FERRY_NAMESPACE: 'fieldRef:metadata.namespace',
      POD_NAME: 'fieldRef:metadata.name',
      FERRY_CACHE_DIR: '/var/cache/ferry',
      FERRY_PORT: '8080',
      FERRY_LOG_LEVEL: 'info',
      // V8's heap kept under the container's memory limit, and glibc's malloc to two arenas
      // (bench/RESULTS.md).
      NODE_OPTIONS: '--max-old-space-size=192 --max-semi-space-size=1',
      MALLOC_ARENA_MAX: '2',
    });
    assert.deepEqual(
      agent.ports.map((p) => [p.name, p.containerPort]),
      [['http', 8080]],
    );
    assert.deepEqual(
      [agent.livenessProbe.httpGet.path, agent.livenessProbe.httpGet.port],
      ['/healthz', 'http'],
    );
    assert.deepEqual(
      [agent.readinessProbe.httpGet.path, agent.readinessProbe.httpGet.port],
      ['/readyz', 'http'],
    );
    assert.deepEqual(agent.resources, {
      requests: { cpu: '50m', memory: '96Mi' },
      limits: { memory: '256Mi' },
    });
    assert.deepEqual(agent.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
    assert.deepEqual(
      agent.volumeMounts.map((m) => [m.mountPath, volumes.get(m.name)?.emptyDir !== undefined]).sort(),
      [
        ['/tmp', true],
        ['/var/cache/ferry', true],
      ],
    );
  });

  it('binds the ServiceAccount to all rights cluster-wide, under ferry-agent* names only', async () => {
    await kubectl(['get', 'serviceaccount', 'ferry-agent', '-n', NS]);
    const binding = await getJson<Manifest>(['get', 'clusterrolebinding', 'ferry-agent']);
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'ferry-agent',
    });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'ferry-agent', namespace: NS }]);
    for (const question of ['create clusterroles', 'delete customresourcedefinitions', '* *'])
      assert.equal(await canI(question), true, question);
    const names = (
      await kubectl([
        'get',
        'clusterroles,clusterrolebindings',
        '-l',
        'app.kubernetes.io/part-of=ferry',
        '-o',
        'name',
      ])
    )
      .trim()
      .split('\n');
    assert.deepEqual(names.sort(), [
      'clusterrole.rbac.authorization.k8s.io/ferry-agent',
      'clusterrolebinding.rbac.authorization.k8s.io/ferry-agent',
    ]);
  });

  it('accepts the bootstrap ConfigMap GitSync, and the schema fills the defaults of one that gives only repo', async () => {
    const text = await kubectl([
      'get',
      'configmap',
      'ferry-agent-bootstrap',
      '-n',
      NS,
      '-o',
      'jsonpath={.data.gitsync\\.yaml}',
    ]);
    const bootstrap = parse(text) as Manifest & { apiVersion: string; spec: { repo: string } };
    assert.deepEqual(
      [bootstrap.apiVersion, bootstrap.kind, bootstrap.metadata],
      ['ferry.dev/v1alpha1', 'GitSync', { name: 'ferry', namespace: NS }],
    );
    await kubectl(['apply', '--validate=false', '-f', '-'], stringify(bootstrap));
    const minimal = {
      ...bootstrap,
      metadata: { name: 'defaults', namespace: NS },
      spec: { repo: bootstrap.spec.repo },
    };
    await kubectl(['apply', '--validate=false', '-f', '-'], stringify(minimal));
    const expected = {
      repo: 'https://git.example.com/fleet.git',
      ref: 'main',
      targetNamespace: 'default',
      interval: '60s',
      prune: { enabled: true, allowEmpty: false, budget: { maxPercent: 25, minObjects: 10, maxObjects: 50 } },
      drift: { mode: 'heal' },
      suspend: false,
    };
    for (const name of ['ferry', 'defaults']) {
      const live = await getJson<Manifest>(['get', 'gitsync', name, '-n', NS]);
      assert.equal(live.spec?.interval, '60s', name);
      assert.deepEqual(live.spec, expected, name);
    }
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    [
      'drift.mode "sometimes"',
      { repo: 'https://git.example.com/x.git', drift: { mode: 'sometimes' } },
      /spec\.drift\.mode: Unsupported value: "sometimes"/,
    ],
    ['a spec without repo', { ref: 'main' }, /spec\.repo: Required value/],
    ['a repo that is not an http(s) URL', { repo: 'git@example.com:x.git' }, /spec\.repo: Invalid value/],
    [
      'an interval that is not a duration',
      { repo: 'https://git.example.com/x.git', interval: '5x' },
      /spec\.interval: Invalid value: "5x"/,
    ],
    [
      'a budget below zero',
      { repo: 'https://git.example.com/x.git', prune: { budget: { minObjects: -1 } } },
      /spec\.prune\.budget\.minObjects/,
    ],
    [
      'an ignore rule without pointers',
      { repo: 'https://git.example.com/x.git', drift: { ignore: [{ kind: 'Deployment', pointers: [] }] } },
      /spec\.drift\.ignore(\[0\])?\.pointers/,
    ],
  ];
  for (const [what, spec, message] of refusals)
    it(`refuses ${what}, naming the field`, async () => {
      const manifest = {
        apiVersion: 'ferry.dev/v1alpha1',
        kind: 'GitSync',
        metadata: { name: 'bad', namespace: NS },
        spec,
      };
      await assert.rejects(kubectl(['apply', '--validate=false', '-f', '-'], stringify(manifest)), message);
    });

  it('kubectl get gitsyncs prints READY, REVISION, AGE and MESSAGE from the status subresource', async () => {
    const kube = harness.kube(CLUSTER);
    const revision = `main@sha1:${'0123456789'.repeat(4)}`;
    try {
      await kube.patch(`${GITSYNCS}/ferry/status`, {
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Synced',
              message: 'Applied 3 objects',
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
              observedGeneration: 1,
            },
          ],
          lastAppliedRevision: revision,
          history: [{ revision, result: 'applied', created: 3, message: 'Applied 3 objects' }],
        },
      });
    } finally {
      await kube.close();
    }
    const lines = (await kubectl(['get', 'gitsyncs', '-n', NS])).trim().split('\n');
    assert.deepEqual(lines[0]?.split(/\s+/), ['NAME', 'READY', 'REVISION', 'AGE', 'MESSAGE']);
    const row = lines.find((line) => line.startsWith('ferry '));
    assert.match(row ?? '', new RegExp(`^ferry\\s+True\\s+${revision}\\s+\\S+\\s+Applied 3 objects$`));
    assert.ok((await kubectl(['get', 'gs', '-n', NS, '-o', 'name'])).includes('gitsync.ferry.dev/ferry'));
    const history = await kubectl([
      'get',
      'gitsync',
      'ferry',
      '-n',
      NS,
      '-o',
      'jsonpath={.status.history[0].created}',
    ]);
    assert.equal(history, '3', 'status.history keeps its fields');
  });

  it('the namespaced profile builds: * only through the Role in team-a, FERRY_NAMESPACES set', async () => {
    const objects = await build('deploy/agent/namespaced');
    const clusterRoles = new Map(
      objects.filter((o) => o.kind === 'ClusterRole').map((o) => [o.metadata.name, o]),
    );
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding');
    assert.deepEqual(
      bindings.map((b) => b.metadata.name),
      ['ferry-agent-discovery'],
    );
    for (const binding of bindings) {
      const rules = clusterRoles.get(binding.roleRef?.name ?? '')?.rules ?? [];
      assert.ok(rules.length > 0, `${binding.metadata.name} binds a ClusterRole of the profile`);
      const wild = rules.filter((r) =>
        [...r.verbs, ...(r.resources ?? []), ...(r.apiGroups ?? [])].includes('*'),
      );
      assert.deepEqual(wild, [], `${binding.metadata.name} grants no *`);
      assert.ok(rules.every((r) => r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))));
    }
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding');
    assert.deepEqual(roles.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort(), [
      'Role/ferry-system/ferry-agent',
      'Role/team-a/ferry-agent',
      'RoleBinding/ferry-system/ferry-agent',
      'RoleBinding/team-a/ferry-agent',
    ]);
    const deployment = objects.find((o) => o.kind === 'Deployment') as (Manifest & Deployment) | undefined;
    const agent = deployment?.spec.template.spec.containers[0];
    assert.ok(agent, 'the profile has the Deployment');
    assert.equal(envOf(agent).FERRY_NAMESPACES, 'team-a');
    assert.equal(envOf(agent).FERRY_NAMESPACE, 'fieldRef:metadata.namespace');
  });

  it('the example overlay builds and replaces the bootstrap GitSync, which the schema accepts', async () => {
    const gitsync = bootstrapOf(await build('deploy/examples/agent-overlay'));
    assert.equal(gitsync.spec?.repo, 'https://git.example.com/platform/fleet.git');
    await kubectl(['apply', '--validate=false', '--dry-run=server', '-f', '-'], stringify(gitsync));
  });

  it('kubectl delete -k uninstalls it; the namespaced profile then grants rights only where it says', async () => {
    await kubectl(['delete', '-k', path('deploy/agent'), '--timeout=120s']);
    const left = await kubectl([
      'get',
      'crd/gitsyncs.ferry.dev',
      'clusterrole/ferry-agent',
      '--ignore-not-found',
    ]);
    assert.equal(left.trim(), '', 'the CRD and the ClusterRole are gone');
    await kubectl(['create', 'namespace', 'team-a']);
    await kubectl(['apply', '-k', path('deploy/agent/namespaced')]);
    await kubectl(['wait', '--for=condition=Established', 'crd/gitsyncs.ferry.dev', '--timeout=60s']);
    const rights: [string, boolean][] = [
      ['create deployments -n team-a', true],
      ['delete roles -n team-a', true],
      ['create leases -n ferry-system', true],
      ['update gitsyncs.ferry.dev/status -n ferry-system', true],
      ['create configmaps -n ferry-system', true],
      ['get secrets/git-credentials -n ferry-system', true],
      ['update secrets/ferry-agent-credential -n ferry-system', true],
      ['update secrets/git-credentials -n ferry-system', false],
      ['delete secrets/ferry-agent-credential -n ferry-system', false],
      ['create deployments -n ferry-system', false],
      ['list namespaces', true],
      ['watch customresourcedefinitions', true],
      ['create deployments -n default', false],
      ['list deployments --all-namespaces', false],
      ['create clusterroles', false],
      ['delete namespaces', false],
    ];
    for (const [question, expected] of rights) assert.equal(await canI(question), expected, question);
  });
});
