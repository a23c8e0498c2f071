// The engine end to end: a repo on the harness Git server, `syncOnce` into a real cluster, kubectl as
// the referee. Each scenario gets its own repository, sync identity (and so inventory) and namespaces,
// named after it, so scenarios never see each other's objects.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatRef } from '@ferry/shared';
import { DEFAULT_APPLY_REVISION_OPTIONS } from '../../agent/src/engine/apply-revision.ts';
import { InventoryStore } from '../../agent/src/inventory/store.ts';
import { inventoryOf } from '../../agent/src/inventory/codec.ts';
import { connect, KubeApiClient } from '../../agent/src/kube/index.ts';
import { protectedRefs } from '../../agent/src/protected.ts';
import { DEFAULT_DELETION_BUDGET } from '../../agent/src/prune/types.ts';
import { DEFAULT_RENDER_OPTIONS } from '../../agent/src/render/index.ts';
import { DEFAULT_FETCH_SOURCE_OPTIONS, parseRefSpec } from '../../agent/src/source/index.ts';
import { syncOnce, type SyncOptions, type SyncReport } from '../../agent/src/sync.ts';
import { Harness } from '../harness/src/index.ts';

const CLUSTER = process.env.FERRY_TEST_CLUSTER ?? 'c1';
const AGENT_NAMESPACE = 'ferry-e2e';

const harness = Harness.fromEnv();
const repos = harness.repos();
const git = harness.gitServer();
const scratch = mkdtempSync(join(tmpdir(), 'ferry-sync-e2e-'));

const configMap = (
  ns: string,
  name: string,
  data: Record<string, string> = { key: 'v' },
  extra = '',
): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n${extra}data:\n${Object.entries(
    data,
  )
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join('\n')}\n`;
const namespace = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

interface Scenario {
  readonly name: string;
  /** The scenario's own namespace (unique per run). */
  readonly ns: string;
  readonly repo: string;
  sync(extra?: {
    allowedRevision?: string;
    allowEmpty?: boolean;
    prune?: boolean;
    dryRun?: boolean;
  }): Promise<SyncReport>;
  commit(files: Record<string, string | null>): Promise<string>;
  kubectl(args: string[]): Promise<string>;
}

let kube: KubeApiClient | undefined;
async function api(): Promise<KubeApiClient> {
  kube ??= new KubeApiClient(await connect({ kubeconfig: harness.cluster(CLUSTER).kubeconfig }));
  return kube;
}

async function scenario(name: string, files: (ns: string) => Record<string, string>): Promise<Scenario> {
  const suffix = randomBytes(3).toString('hex');
  const ns = `${name}-${suffix}`;
  const repoName = `sync-${name}-${suffix}`;
  const { url } = await repos.create(repoName, { files: files(ns) });
  const base = (extra: {
    allowedRevision?: string;
    allowEmpty?: boolean;
    prune?: boolean;
    dryRun?: boolean;
  }): SyncOptions => ({
    source: {
      url,
      ref: parseRefSpec('main'),
      path: 'deploy',
      auth: { kind: 'bearer', token: git.tokens[0] ?? '' },
    },
    fetch: { ...DEFAULT_FETCH_SOURCE_OPTIONS, cacheDir: join(scratch, repoName) },
    render: { ...DEFAULT_RENDER_OPTIONS, targetNamespace: ns },
    apply: { ...DEFAULT_APPLY_REVISION_OPTIONS, dryRun: extra.dryRun ?? false },
    owner: { namespace: AGENT_NAMESPACE, name: repoName },
    inventory: { namespace: AGENT_NAMESPACE, name: `${repoName}-inventory` },
    prune: {
      enabled: extra.prune ?? true,
      allowEmpty: extra.allowEmpty ?? false,
      budget: DEFAULT_DELETION_BUDGET,
      allowedRevision: extra.allowedRevision,
    },
    protectedRefs: protectedRefs(AGENT_NAMESPACE),
    ensureNamespace: true,
  });
  return {
    name,
    ns,
    repo: repoName,
    sync: async (extra = {}) => syncOnce(await api(), base(extra)),
    commit: (changes) => repos.commit(repoName, changes),
    kubectl: (args) => harness.kubectl(CLUSTER, args),
  };
}

const actions = (report: SyncReport): Record<string, string> =>
  Object.fromEntries(
    [...report.changeSet, ...report.pruned].map((entry) => [formatRef(entry.ref), entry.action]),
  );

function assertApplied(report: SyncReport): void {
  assert.equal(
    report.result,
    'applied',
    JSON.stringify({ failure: report.failure, changes: report.changeSet, renderErrors: report.renderErrors }),
  );
}

describe('sync engine on a harness cluster', () => {
  after(async () => {
    await kube?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('creates, then leaves unchanged objects alone (their resourceVersion stays), then configures a change', async () => {
    const s = await scenario('create-update', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/cm.yaml': configMap(ns, 'settings'),
    }));
    const first = await s.sync();
    assertApplied(first);
    assert.deepEqual(actions(first), {
      [`Namespace/${s.ns}`]: 'created',
      [`ConfigMap/${s.ns}/settings`]: 'created',
    });
    const labels = JSON.parse(
      await s.kubectl(['get', 'configmap', 'settings', '-n', s.ns, '-o', 'jsonpath={.metadata.labels}']),
    ) as Record<string, string>;
    assert.deepEqual(labels, { 'ferry.dev/sync-namespace': AGENT_NAMESPACE, 'ferry.dev/sync-name': s.repo });
    const rv = await s.kubectl([
      'get',
      'configmap',
      'settings',
      '-n',
      s.ns,
      '-o',
      'jsonpath={.metadata.resourceVersion}',
    ]);

    const second = await s.sync();
    assertApplied(second);
    assert.deepEqual(Object.values(actions(second)), ['unchanged', 'unchanged']);
    assert.equal(
      await s.kubectl([
        'get',
        'configmap',
        'settings',
        '-n',
        s.ns,
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      ]),
      rv,
    );

    await s.commit({ 'deploy/cm.yaml': configMap(s.ns, 'settings', { key: 'changed' }) });
    const third = await s.sync();
    assertApplied(third);
    assert.equal(actions(third)[`ConfigMap/${s.ns}/settings`], 'configured');
    assert.equal(
      await s.kubectl(['get', 'configmap', 'settings', '-n', s.ns, '-o', 'jsonpath={.data.key}']),
      'changed',
    );
  });

  it('applies a CRD and its custom resource, and a namespace whose file sorts last, in one revision', async () => {
    const group = `e2e-${randomBytes(3).toString('hex')}.example.com`;
    const s = await scenario('crd-and-cr', (ns) => ({
      'deploy/a-widget.yaml': `apiVersion: ${group}/v1\nkind: Gadget\nmetadata:\n  name: g1\n  namespace: ${ns}\nspec:\n  size: 3\n`,
      'deploy/b-cm.yaml': configMap(ns, 'in-late-namespace'),
      'deploy/crd.yaml': `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.${group}\nspec:\n  group: ${group}\n  names: {kind: Gadget, plural: gadgets, singular: gadget, listKind: GadgetList}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n`,
      'deploy/zz-namespace.yaml': namespace(ns),
    }));
    const report = await s.sync();
    assertApplied(report);
    assert.equal(
      await s.kubectl(['get', `gadgets.${group}`, 'g1', '-n', s.ns, '-o', 'jsonpath={.spec.size}']),
      '3',
    );
    assert.equal(
      await s.kubectl(['get', 'configmap', 'in-late-namespace', '-n', s.ns, '-o', 'name']),
      'configmap/in-late-namespace\n',
    );
    const order = report.changeSet.map((entry) => entry.ref.kind);
    assert.ok(order.indexOf('CustomResourceDefinition') < order.indexOf('Gadget'), order.join(' '));
    assert.ok(order.indexOf('Namespace') < order.indexOf('ConfigMap'), order.join(' '));
  });

  it('applies waves in order, lowest first', async () => {
    const wave = (n: number): string => `  annotations:\n    ferry.dev/wave: "${n}"\n`;
    const s = await scenario('waves', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/a.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: late\n  namespace: ${ns}\n${wave(5)}spec:\n  ports:\n  - port: 80\n`,
      'deploy/b.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: early\n  namespace: ${ns}\n  annotations:\n    argocd.argoproj.io/sync-wave: "-1"\nspec:\n  ports:\n  - port: 80\n`,
      'deploy/c.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: middle\n  namespace: ${ns}\nspec:\n  ports:\n  - port: 80\n`,
    }));
    const report = await s.sync();
    assertApplied(report);
    assert.deepEqual(
      report.changeSet.filter((entry) => entry.ref.kind === 'Service').map((entry) => entry.ref.name),
      ['early', 'middle', 'late'],
    );
  });

  it('validates before writing: a schema error and an unknown field write nothing, and name object and file', async () => {
    const s = await scenario('schema-error', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/ok.yaml': configMap(ns, 'would-be-created'),
    }));
    assertApplied(await s.sync());
    await s.commit({
      'deploy/new.yaml': configMap(s.ns, 'not-yet'),
      'deploy/bad.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\n  namespace: ${s.ns}\nspec:\n  bogusField: 1\n  selector:\n    matchLabels: {app: bad}\n  template:\n    metadata:\n      labels: {app: bad}\n    spec:\n      containers:\n      - name: app\n        image: x\n`,
      'deploy/worse.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: worse\n  namespace: ${s.ns}\nspec:\n  ports:\n  - port: "not-a-number"\n`,
    });
    const report = await s.sync();
    assert.equal(report.result, 'failed');
    assert.equal(report.failure?.step, 'plan');
    const failed = report.changeSet.filter((entry) => entry.action === 'failed');
    assert.deepEqual(failed.map((entry) => entry.source).sort(), ['bad.yaml:1', 'worse.yaml:1']);
    assert.match(failed.find((entry) => entry.source === 'bad.yaml:1')?.message ?? '', /bogusField/);
    assert.equal(
      await s.kubectl(['get', 'configmap', 'not-yet', '-n', s.ns, '--ignore-not-found', '-o', 'name']),
      '',
    );
  });

  it('takes fields over from another field manager (kubectl apply --server-side)', async () => {
    const s = await scenario('conflict', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/cm.yaml': configMap(ns, 'shared', { owner: 'git' }),
    }));
    assertApplied(await s.sync());
    await harness.kubectl(
      CLUSTER,
      ['apply', '--server-side', '--force-conflicts', '--field-manager=someone', '-f', '-'],
      configMap(s.ns, 'shared', { owner: 'someone' }),
    );
    assert.equal(
      await s.kubectl(['get', 'configmap', 'shared', '-n', s.ns, '-o', 'jsonpath={.data.owner}']),
      'someone',
    );
    const report = await s.sync();
    assertApplied(report);
    assert.equal(actions(report)[`ConfigMap/${s.ns}/shared`], 'configured');
    assert.equal(
      await s.kubectl(['get', 'configmap', 'shared', '-n', s.ns, '-o', 'jsonpath={.data.owner}']),
      'git',
    );
  });

  it('prunes what left Git, and keeps what a guard protects', async () => {
    const s = await scenario('prune', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/keep.yaml': configMap(ns, 'keep'),
      'deploy/gone.yaml': configMap(ns, 'gone'),
      'deploy/disabled.yaml': configMap(
        ns,
        'disabled',
        { key: 'v' },
        '  annotations:\n    ferry.dev/prune: disabled\n',
      ),
      'deploy/relabelled.yaml': configMap(ns, 'relabelled'),
    }));
    assertApplied(await s.sync());
    await s.kubectl([
      'label',
      'configmap',
      'relabelled',
      '-n',
      s.ns,
      '--overwrite',
      'ferry.dev/sync-name=someone-else',
    ]);
    await s.commit({
      'deploy/gone.yaml': null,
      'deploy/disabled.yaml': null,
      'deploy/relabelled.yaml': null,
    });
    const report = await s.sync();
    assertApplied(report);
    assert.equal(actions(report)[`ConfigMap/${s.ns}/gone`], 'deleted');
    const left = await s.kubectl([
      'get',
      'configmaps',
      '-n',
      s.ns,
      '-o',
      'jsonpath={.items[*].metadata.name}',
    ]);
    assert.deepEqual(
      left
        .split(' ')
        .filter((name) => name !== 'kube-root-ca.crt')
        .sort(),
      ['disabled', 'keep', 'relabelled'],
    );
    assert.ok(report.prune?.kind === 'prune', `prune was not blocked: ${JSON.stringify(report.prune)}`);
    const kept = report.prune.kept.map((k) => `${k.ref.name}:${k.guard}`).sort();
    assert.deepEqual(kept, ['disabled:prune-disabled', 'relabelled:not-ours']);
  });

  it('prunes nothing when render fails, or when every file is gone, unless allowed', async () => {
    const s = await scenario('guards-upstream', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/cm.yaml': configMap(ns, 'precious'),
    }));
    assertApplied(await s.sync());
    await s.commit({
      'deploy/cm.yaml': null,
      'deploy/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
    });
    const broken = await s.sync();
    assert.equal(broken.result, 'failed');
    assert.equal(broken.failure?.step, 'render');
    assert.equal(
      await s.kubectl(['get', 'configmap', 'precious', '-n', s.ns, '-o', 'name']),
      'configmap/precious\n',
    );

    await s.commit({ 'deploy/broken.yaml': null, 'deploy/ns.yaml': null, 'deploy/.keep': '' });
    const empty = await s.sync();
    assert.equal(empty.result, 'prune-blocked');
    assert.equal(empty.prune?.kind === 'blocked' ? empty.prune.guard : undefined, 'empty-desired');
    assert.equal(
      await s.kubectl(['get', 'configmap', 'precious', '-n', s.ns, '-o', 'name']),
      'configmap/precious\n',
    );
  });

  it('stops at the deletion budget and lists what it would delete, until that revision is allowed', async () => {
    const files: Record<string, string> = {};
    const s = await scenario('budget', (ns) => {
      files['deploy/ns.yaml'] = namespace(ns);
      for (let i = 0; i < 14; i++) files[`deploy/cm-${i}.yaml`] = configMap(ns, `cm-${i}`);
      return files;
    });
    assertApplied(await s.sync());
    const removed: Record<string, null> = {};
    for (let i = 0; i < 12; i++) removed[`deploy/cm-${i}.yaml`] = null;
    const sha = await s.commit(removed);
    const blocked = await s.sync();
    assert.equal(blocked.result, 'prune-blocked');
    assert.ok(blocked.prune?.kind === 'blocked');
    assert.equal(blocked.prune.guard, 'deletion-budget');
    assert.equal(blocked.prune.candidates.length, 12);
    assert.match(blocked.prune.reason, new RegExp(`ferry.dev/allow-deletions=${sha}|--allow-deletions`));
    assert.equal(
      (await s.kubectl(['get', 'configmaps', '-n', s.ns, '-o', 'name'])).split('\n').filter(Boolean).length,
      15,
    );

    const allowed = await s.sync({ allowedRevision: sha });
    assertApplied(allowed);
    assert.equal(allowed.pruned.filter((entry) => entry.action === 'deleted').length, 12);
  });

  it('after a crash between apply and prune, the next sync still prunes (the inventory was written ahead)', async () => {
    const s = await scenario('crash', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/a.yaml': configMap(ns, 'a'),
    }));
    assertApplied(await s.sync());
    await s.commit({ 'deploy/b.yaml': configMap(s.ns, 'b') });
    // The state a crash right after apply leaves: inventory written ahead (old ∪ desired), b applied,
    // nothing pruned and no final inventory write. A sync with prune off stops at exactly that point.
    assertApplied(await s.sync({ prune: false }));
    await s.commit({ 'deploy/b.yaml': null });
    const report = await s.sync();
    assertApplied(report);
    assert.equal(actions(report)[`ConfigMap/${s.ns}/b`], 'deleted');
  });

  it('stores a 5,000-entry inventory in one ConfigMap, compressed', async () => {
    const store = new InventoryStore(await api(), {
      namespace: AGENT_NAMESPACE,
      name: `big-inventory-${randomBytes(3).toString('hex')}`,
    });
    const entries = Array.from({ length: 5000 }, (_, i) => ({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: `team-platform-observability-${i % 50}`,
      name: `service-with-a-realistically-long-name-${i}`,
    }));
    const rv = await store.save(inventoryOf(entries), undefined);
    const loaded = await store.load();
    assert.equal(loaded.resourceVersion, rv);
    assert.equal(loaded.inventory.entries.length, 5000);
    const format = await harness.kubectl(CLUSTER, [
      'get',
      'configmap',
      store.ref.name,
      '-n',
      AGENT_NAMESPACE,
      '-o',
      'jsonpath={.data.format}',
    ]);
    assert.equal(format, 'v1-gzip');
  });

  it('adopts an object made by kubectl apply, and a field later removed from Git disappears', async () => {
    const s = await scenario('adoption', (ns) => ({ 'deploy/ns.yaml': namespace(ns) }));
    assertApplied(await s.sync());
    await harness.kubectl(
      CLUSTER,
      ['apply', '-f', '-'],
      configMap(s.ns, 'legacy', { kept: 'yes', dropped: 'soon' }),
    );
    await s.commit({ 'deploy/legacy.yaml': configMap(s.ns, 'legacy', { kept: 'yes', dropped: 'soon' }) });
    const adopted = await s.sync();
    assertApplied(adopted);
    assert.equal(actions(adopted)[`ConfigMap/${s.ns}/legacy`], 'configured');
    const annotations = await s.kubectl([
      'get',
      'configmap',
      'legacy',
      '-n',
      s.ns,
      '-o',
      'jsonpath={.metadata.annotations}',
    ]);
    assert.ok(
      !annotations.includes('last-applied-configuration'),
      `kubectl's annotation is dropped: ${annotations}`,
    );

    await s.commit({ 'deploy/legacy.yaml': configMap(s.ns, 'legacy', { kept: 'yes' }) });
    assertApplied(await s.sync());
    const data = JSON.parse(
      await s.kubectl(['get', 'configmap', 'legacy', '-n', s.ns, '-o', 'jsonpath={.data}']),
    ) as Record<string, string>;
    assert.deepEqual(data, { kept: 'yes' });
  });

  it('names an immutable field it cannot change, and recreates the object when it is annotated to allow it', async () => {
    const immutable = (value: string, extra = ''): string =>
      `${configMap('NS', 'frozen', { key: value }, extra)}immutable: true\n`;
    const s = await scenario('immutable', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/frozen.yaml': immutable('one').replace('NS', ns),
    }));
    assertApplied(await s.sync());
    const uid = await s.kubectl(['get', 'configmap', 'frozen', '-n', s.ns, '-o', 'jsonpath={.metadata.uid}']);
    await s.commit({ 'deploy/frozen.yaml': immutable('two').replace('NS', s.ns) });
    const refused = await s.sync();
    assert.equal(refused.result, 'failed');
    const entry = refused.changeSet.find((change) => change.ref.name === 'frozen');
    assert.ok(entry !== undefined);
    assert.equal(entry.action, 'failed');
    assert.match(entry.message ?? '', /immutable/);
    assert.match(entry.message ?? '', /ferry\.dev\/recreate/);

    await s.commit({
      'deploy/frozen.yaml': immutable('two', '  annotations:\n    ferry.dev/recreate: "true"\n').replace(
        'NS',
        s.ns,
      ),
    });
    const recreated = await s.sync();
    assertApplied(recreated);
    assert.equal(
      await s.kubectl(['get', 'configmap', 'frozen', '-n', s.ns, '-o', 'jsonpath={.data.key}']),
      'two',
    );
    assert.notEqual(
      await s.kubectl(['get', 'configmap', 'frozen', '-n', s.ns, '-o', 'jsonpath={.metadata.uid}']),
      uid,
    );
  });

  it('plans a dry-run with field-level diffs, Secret values masked, and changes nothing', async () => {
    const secret = (ns: string, value: string): string =>
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: ${ns}\nstringData:\n  password: ${value}\n`;
    const s = await scenario('dry-run-diff', (ns) => ({
      'deploy/ns.yaml': namespace(ns),
      'deploy/cm.yaml': configMap(ns, 'settings', { key: 'old' }),
      'deploy/secret.yaml': secret(ns, 'first-password'),
    }));
    assertApplied(await s.sync());
    await s.commit({
      'deploy/cm.yaml': configMap(s.ns, 'settings', { key: 'new' }),
      'deploy/secret.yaml': secret(s.ns, 'second-password'),
    });
    const plan = await s.sync({ dryRun: true });
    assert.equal(plan.result, 'planned');
    const cm = plan.changeSet.find((entry) => entry.ref.kind === 'ConfigMap');
    assert.deepEqual(cm?.diff, [{ path: 'data.key', from: 'old', to: 'new' }]);
    const secretEntry = plan.changeSet.find((entry) => entry.ref.kind === 'Secret');
    assert.ok(secretEntry !== undefined);
    assert.equal(secretEntry.action, 'configured');
    assert.deepEqual(secretEntry.diff, [{ path: 'data.password', from: '<masked>', to: '<masked>' }]);
    assert.ok(
      !JSON.stringify(plan).includes('second-password') &&
        !JSON.stringify(plan).includes(Buffer.from('second-password').toString('base64')),
    );
    assert.equal(
      await s.kubectl(['get', 'configmap', 'settings', '-n', s.ns, '-o', 'jsonpath={.data.key}']),
      'old',
    );
  });
});
