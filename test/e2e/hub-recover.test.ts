// Disaster recovery, the purge scenario, end to end: cluster dr-a (namespaces, a Deployment, a Service,
// ConfigMaps, a CRD and one of its custom resources, all from Git) is dumped with `kubectl get -o json`
// and destroyed; `ferry cluster recover dr-a -f FILE --wait` (the CLI from source, a child process)
// revokes its credential and issues a recovery manifest; a fresh cluster gets that manifest and the Git
// credential Secret and nothing else; its agent, started from the installed Deployment, rebuilds
// everything from Git; the hub marks dr-a recovered and the CLI returns. Every object is back with the
// same content (fields the server sets aside), and dr-b, on the same hub, never notices. The simulated
// kubelet makes the apps' Pods ready (the harness's one simulation).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Harness, waitFor } from '../harness/src/index.ts';
import type { AgentCluster } from './agent-lifecycle-cluster.ts';
import { configMap } from './agent-lifecycle-fixtures.ts';
import { REPO_ROOT } from './ferry-agent.ts';
import { HubFleet, type ClusterJson } from './hub-fleet-fixture.ts';

const harness = Harness.fromEnv();
/** `ferry`, the hub package's build output (the test runner rebuilds it when a source is newer). */
const CLI_MAIN = join(REPO_ROOT, 'hub/dist/cli/main.js');

/** What the lost cluster held, beyond the fleet fixture's ConfigMap and Deployment: all of it from Git. */
const EXTRA_FILES = {
  'namespaces.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: dr-a-apps
  labels: {team: payments}
---
apiVersion: v1
kind: Namespace
metadata:
  name: dr-a-extra
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: dr-a-apps
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 8080
`,
  'crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.dr.example.com
spec:
  group: dr.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
`,
  'widget.yaml': `apiVersion: dr.example.com/v1
kind: Widget
metadata:
  name: blue
  namespace: dr-a-extra
spec:
  size: 3
  color: blue
`,
  'extra-config.yaml': configMap('dr-a-extra', 'limits', 'forty-two'),
};

/** [kubectl resource, namespace ('' for cluster-scoped), name]: every object Git gives dr-a. */
const OBJECTS: readonly (readonly [string, string, string])[] = [
  ['namespace', '', 'dr-a-apps'],
  ['namespace', '', 'dr-a-extra'],
  ['customresourcedefinition', '', 'widgets.dr.example.com'],
  ['configmap', 'dr-a-apps', 'settings'],
  ['deployment', 'dr-a-apps', 'web'],
  ['service', 'dr-a-apps', 'web'],
  ['configmap', 'dr-a-extra', 'limits'],
  ['widget', 'dr-a-extra', 'blue'],
];

const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'managedFields',
  'creationTimestamp',
  'generation',
  'selfLink',
]);

/** Fields the API server (or a controller) sets: not part of what Git rebuilds. */
function comparable(object: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(object) as {
    metadata: Record<string, unknown> & { annotations?: Record<string, string> };
    spec?: Record<string, unknown>;
    status?: unknown;
  };
  copy.metadata = Object.fromEntries(
    Object.entries(copy.metadata).filter(([field]) => !SERVER_METADATA.has(field)),
  );
  // Set by the Deployment controller on each rollout.
  delete copy.metadata.annotations?.['deployment.kubernetes.io/revision'];
  if (copy.metadata.annotations !== undefined && Object.keys(copy.metadata.annotations).length === 0)
    delete copy.metadata.annotations;
  delete copy.status;
  delete copy.spec?.clusterIP;
  delete copy.spec?.clusterIPs;
  return copy;
}

async function dump(cluster: AgentCluster): Promise<Map<string, Record<string, unknown>>> {
  const objects = new Map<string, Record<string, unknown>>();
  for (const [resource, namespace, name] of OBJECTS) {
    const args = namespace === '' ? ['get', resource, name] : ['-n', namespace, 'get', resource, name];
    const text = await cluster.kubectl([...args, '-o', 'json']);
    objects.set(`${resource}/${namespace}/${name}`, JSON.parse(text) as Record<string, unknown>);
  }
  return objects;
}

interface ReadinessView {
  readonly rebuildable: number;
  readonly total: number;
  readonly notInGit: { readonly count: number };
  readonly data: { readonly count: number };
}

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

/** `ferry ARGS` as a child process; resolves when it exits. */
function ferry(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

describe('disaster recovery: cluster dr-a purged and rebuilt from Git', { concurrency: 1 }, () => {
  let started: HubFleet | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-recover-'));
  const fleet = (): HubFleet => {
    assert.ok(started !== undefined, 'the fleet is up');
    return started;
  };

  before(async () => {
    started = await HubFleet.start(harness, ['dr-a', 'dr-b']);
  });

  after(async () => {
    await started?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('rebuilds every object of the lost cluster on a fresh one, and marks it recovered', async () => {
    const files = Object.fromEntries(
      Object.entries(EXTRA_FILES).map(([name, text]) => [`clusters/dr-a/${name}`, text]),
    );
    const sha = await harness.repos().commit(fleet().repoOf('dr-a'), files);
    await fleet().on('dr-a').requestSync();
    await fleet().waitApplied('dr-a', sha, 'dr-a applied the full repo');
    for (const name of ['dr-a', 'dr-b']) {
      const head = await fleet().head(name);
      await fleet().waitApplied(name, head, `${name} applied and healthy before the disaster`);
    }
    // DR readiness, reported by the agent and shown by the hub: everything in dr-a's namespaces is Git's.
    const readiness = await waitFor(
      async () => {
        const answer = await fleet().hub.expect<{ readiness: ReadinessView | null }>(
          200,
          'GET',
          '/api/v1/clusters/dr-a/readiness',
        );
        return answer.readiness !== null && answer.readiness.rebuildable >= 5 ? answer.readiness : undefined;
      },
      { what: 'the hub to show dr-a rebuildable from Git', timeoutMs: 120_000, intervalMs: 500 },
    );
    assert.equal(readiness.notInGit.count, 0, JSON.stringify(readiness));
    assert.equal(readiness.total, readiness.rebuildable + readiness.data.count);
    const shown = (await fleet().cluster('dr-a')) as ClusterJson & {
      readiness: { rebuildable: number } | null;
    };
    assert.equal(shown.readiness?.rebuildable, readiness.rebuildable);
    const before = await dump(fleet().on('dr-a'));
    const bBefore = await fleet().cluster('dr-b');
    const [bAgent] = fleet().on('dr-b').agents;
    assert.ok(bAgent !== undefined);
    const bConnectsBefore = fleet()
      .on('dr-b')
      .log(bAgent)
      .filter((e) => e.msg === 'connected to the hub').length;

    // The disaster: the cluster and everything in it is gone.
    await fleet().on('dr-a').destroy();

    const manifestFile = join(scratch, 'recover.yaml');
    const recover = ferry(['cluster', 'recover', 'dr-a', '-f', manifestFile, '--wait', '--timeout', '4m'], {
      FERRY_HUB: fleet().hub.url,
      FERRY_TOKEN: fleet().hub.adminToken,
    });
    await waitFor(
      () => existsSync(manifestFile) && readFileSync(manifestFile, 'utf8').includes('kind: GitSync'),
      {
        what: 'ferry cluster recover to write the manifest',
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    const recovering = await fleet().cluster('dr-a');
    assert.equal(recovering.state, 'recovering');
    const fresh = await fleet().installFresh('dr-a', 'dr-a-new', readFileSync(manifestFile, 'utf8'));

    const run = await recover;
    assert.equal(run.code, 0, `ferry cluster recover --wait: ${run.stderr}`);
    assert.match(
      run.stderr,
      /^recovery of cluster dr-a: 1 credential\(s\) revoked; target \d+ objects at main@sha1:/m,
    );
    assert.match(run.stderr, /^cluster dr-a recovered in \S+ at main@sha1:/m);
    const view = (await fleet().cluster('dr-a')) as ClusterJson & {
      recovery: { status: string; durationSeconds: number; objectsBack: number; expectedObjects: number };
    };
    assert.equal(view.state, 'enrolled');
    assert.equal(view.recovery.status, 'recovered');
    assert.ok(view.recovery.durationSeconds > 0, 'the hub recorded how long recovery took');
    assert.equal(view.recovery.objectsBack, view.recovery.expectedObjects, 'every recorded object is back');
    assert.ok(view.sync?.appliedRevision?.endsWith(sha), 'the Git head recorded at recovery is applied');
    const uid = (
      await fresh.kubectl(['get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}'])
    ).trim();
    assert.equal(view.clusterUid, uid, 'the hub now knows the new cluster');

    const after = await dump(fresh);
    for (const [key, object] of before) {
      const rebuilt = after.get(key);
      assert.ok(rebuilt !== undefined, `${key} is back`);
      assert.deepEqual(comparable(rebuilt), comparable(object), `${key} has the same content`);
      assert.notEqual(
        (rebuilt.metadata as { uid: string }).uid,
        (object.metadata as { uid: string }).uid,
        `${key} is a new object`,
      );
    }

    // dr-b never noticed: still connected on the same link, healthy, nothing refused.
    const b = await fleet().cluster('dr-b');
    assert.equal(b.connected, true);
    assert.equal(b.state, 'enrolled');
    assert.equal(b.refusal, null);
    assert.equal(b.health?.status, 'Current');
    assert.equal(b.clusterUid, bBefore.clusterUid);
    assert.equal(
      fleet()
        .on('dr-b')
        .log(bAgent)
        .filter((e) => e.msg === 'connected to the hub').length,
      bConnectsBefore,
      'dr-b kept its connection',
    );
  });
});
