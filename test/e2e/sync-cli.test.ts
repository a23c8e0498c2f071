// `ferry-agent sync --once` as a person or a pipeline runs it: credentials from a Secret in the
// cluster, --dry-run, JSON output, and exit codes for success, failure, a blocked prune and bad usage.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Harness, waitFor } from '../harness/src/index.ts';
import { FERRY_AGENT_NODE_ARGS, ferryAgent, REPO_ROOT } from './ferry-agent.ts';

const CLUSTER = process.env.FERRY_TEST_CLUSTER ?? 'c1';

describe('ferry-agent sync --once', () => {
  const harness = Harness.fromEnv();
  const repos = harness.repos();
  const suffix = randomBytes(3).toString('hex');
  const ns = `sync-cli-${suffix}`;
  const agentNs = `ferry-cli-${suffix}`;
  const repo = `sync-cli-${suffix}`;
  let url = '';
  const files: Record<string, string> = {};
  const common = (): string[] => [
    'sync',
    '--once',
    '--repo',
    url,
    '--path',
    'deploy',
    '--kubeconfig',
    harness.cluster(CLUSTER).kubeconfig,
    '--namespace',
    agentNs,
    '--auth-secret',
    `${agentNs}/git-credentials`,
    '--output',
    'json',
  ];

  before(async () => {
    files['deploy/ns.yaml'] = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;
    for (let i = 0; i < 12; i++) {
      files[`deploy/cm-${i}.yaml`] =
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\n`;
    }
    url = (await repos.create(repo, { files })).url;
    await harness.kubectl(CLUSTER, ['create', 'namespace', agentNs]);
    const token = harness.gitServer().tokens[0] ?? '';
    await harness.kubectl(CLUSTER, [
      'create',
      'secret',
      'generic',
      'git-credentials',
      '-n',
      agentNs,
      `--from-literal=bearerToken=${token}`,
    ]);
  });

  it('plans with --dry-run without writing anything', async () => {
    const run = await ferryAgent([...common(), '--dry-run']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { result: string; changes: { action: string }[] };
    assert.equal(report.result, 'planned');
    assert.equal(report.changes.length, 13);
    assert.equal(
      await harness.kubectl(CLUSTER, ['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']),
      '',
    );
  });

  it('syncs with credentials read from a Secret, and exits 0', async () => {
    const run = await ferryAgent(common());
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { result: string; changes: { action: string }[] };
    assert.equal(report.result, 'applied');
    assert.equal(report.changes.filter((change) => change.action === 'created').length, 13);
    assert.ok(
      !run.stdout.includes(harness.gitServer().tokens[0] ?? 'no-token'),
      'the token is not in the report',
    );
  });

  it('exits 4 when the deletion budget blocks the prune, and 0 once that revision is allowed', async () => {
    const removed: Record<string, null> = {};
    for (let i = 0; i < 11; i++) removed[`deploy/cm-${i}.yaml`] = null;
    const sha = await repos.commit(repo, removed);
    const blocked = await ferryAgent(common());
    assert.equal(blocked.code, 4, blocked.stderr);
    const report = JSON.parse(blocked.stdout) as { prune: { blocked: string; candidates: string[] } };
    assert.equal(report.prune.blocked, 'deletion-budget');
    assert.equal(report.prune.candidates.length, 11);
    const allowed = await ferryAgent([...common(), '--allow-deletions', sha]);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('exits 1 on invalid manifests, 3 on Git errors, 2 on bad arguments', async () => {
    await repos.commit(repo, { 'deploy/broken.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n' });
    const invalid = await ferryAgent(common());
    assert.equal(invalid.code, 1);
    assert.match(invalid.stdout, /broken\.yaml/);
    const noSecret = await ferryAgent([
      ...common().slice(0, -4),
      '--auth-secret',
      `${agentNs}/missing`,
      '--output',
      'json',
    ]);
    assert.equal(noSecret.code, 3, noSecret.stderr);
    assert.match(noSecret.stderr, /missing, named as the Git credentials, does not exist/);
    assert.equal((await ferryAgent(['sync', '--repo', url])).code, 2);
    assert.equal((await ferryAgent([...common(), '--allow-deletions', 'abc'])).code, 2);
  });

  it('after the process is killed between apply and prune, the next sync prunes what it had applied', async () => {
    const crashNs = `crash-${suffix}`;
    const crashRepo = `sync-crash-${suffix}`;
    const cm = (name: string, wave = 0): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${crashNs}\n  annotations:\n    ferry.dev/wave: "${wave}"\n`;
    const crashUrl = (
      await repos.create(crashRepo, {
        files: { 'deploy/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${crashNs}\n` },
      })
    ).url;
    const args = (): string[] => {
      const all = common();
      all[all.indexOf(url)] = crashUrl;
      return [...all, '--name', 'crash'];
    };
    assert.equal((await ferryAgent(args())).code, 0);
    // A revision whose wave 0 holds `victim` and whose wave 1 is long enough to kill the process in.
    const next: Record<string, string> = { 'deploy/victim.yaml': cm('victim') };
    for (let i = 0; i < 300; i++) next[`deploy/filler-${i}.yaml`] = cm(`filler-${i}`, 1 + (i % 3));
    await repos.commit(crashRepo, next);
    const child = spawn(process.execPath, [...FERRY_AGENT_NODE_ARGS, ...args()], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => {
        done(signal);
      }),
    );
    const kube = harness.kube(CLUSTER);
    try {
      await waitFor(
        async () => (await kube.raw('GET', `/api/v1/namespaces/${crashNs}/configmaps/victim`)).status === 200,
        { what: 'the sync to apply ConfigMap victim', timeoutMs: 120_000, intervalMs: 5 },
      );
    } finally {
      await kube.close();
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', 'the sync was killed before it finished');
    const inventory = await harness.kubectl(CLUSTER, [
      'get',
      'configmap',
      'crash-inventory',
      '-n',
      agentNs,
      '-o',
      'jsonpath={.data.entries}',
    ]);
    assert.match(
      inventory,
      new RegExp(`\\|v1\\|ConfigMap\\|${crashNs}\\|victim`),
      'the inventory was written ahead',
    );

    await repos.commit(crashRepo, { 'deploy/victim.yaml': null });
    const after = await ferryAgent(args());
    assert.equal(after.code, 0, after.stderr);
    const report = JSON.parse(after.stdout) as { pruned: { object: string; action: string }[] };
    assert.deepEqual(report.pruned, [{ object: `ConfigMap/${crashNs}/victim`, action: 'deleted' }]);
    assert.equal(
      await harness.kubectl(CLUSTER, [
        'get',
        'configmap',
        'victim',
        '-n',
        crashNs,
        '--ignore-not-found',
        '-o',
        'name',
      ]),
      '',
    );
  });
});
