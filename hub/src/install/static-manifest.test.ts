import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_KUSTOMIZE_DIR, renderKustomize } from './build-static-manifest.ts';
import { InstallError } from './errors.ts';
import {
  BUILD_STATIC_MANIFEST_COMMAND,
  defaultStaticManifestPath,
  loadStaticManifest,
} from './load-static-manifest.ts';
import { parseStaticManifest } from './static-manifest.ts';
import { ensureStaticManifestBuilt } from './test-static-manifest.ts';
import { parseYamlStream } from './yaml.ts';

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: ferry-system
`;
const CONFIGMAP = `apiVersion: v1
data:
  gitsync.yaml: |
    apiVersion: ferry.dev/v1alpha1
    kind: GitSync
    metadata:
      name: ferry
      namespace: ferry-system
    spec:
      repo: https://git.example.com/fleet.git
kind: ConfigMap
metadata:
  name: ferry-agent-bootstrap
  namespace: ferry-system
`;
const CREDENTIAL = `apiVersion: v1
kind: Secret
metadata:
  name: ferry-agent-credential
  namespace: ferry-system
type: Opaque
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ferry-agent
  namespace: ferry-system
spec:
  template:
    spec:
      containers:
        - name: agent
          image: registry.example/ferry-agent@sha256:0123
`;
const join3 = (...docs: string[]): string => docs.join('---\n');

function refusal(text: string): InstallError {
  try {
    parseStaticManifest(text, 'test.yaml');
  } catch (error) {
    assert.ok(error instanceof InstallError);
    assert.equal(error.code, 'static-manifest-invalid');
    return error;
  }
  assert.fail('expected a refusal');
}

describe('the static install manifest', () => {
  it('ships the same objects as `kubectl kustomize deploy/agent` renders now', async () => {
    const builtNow = await ensureStaticManifestBuilt();
    const shipped = loadStaticManifest();
    const rendered = await renderKustomize(DEFAULT_KUSTOMIZE_DIR);
    assert.deepEqual(
      shipped.documents.map((d) => d.object),
      parseYamlStream(rendered, 'kubectl kustomize'),
      `${defaultStaticManifestPath()} is stale: deploy/agent changed since it was built; run ${BUILD_STATIC_MANIFEST_COMMAND}` +
        (builtNow ? ' (it was built by this test)' : ''),
    );
  });

  it('finds the bootstrap ConfigMap, the credential Secret and the agent image in the shipped file', async () => {
    await ensureStaticManifestBuilt();
    const shipped = loadStaticManifest();
    assert.equal(shipped.documents[shipped.bootstrapIndex]?.object.kind, 'ConfigMap');
    assert.equal(shipped.documents[shipped.deploymentIndex]?.object.kind, 'Deployment');
    assert.match(shipped.image, /ferry-agent/);
    assert.match(shipped.gitSyncText, /kind: GitSync/);
  });

  it('keeps each document as its exact text', () => {
    const text = join3(NAMESPACE, CONFIGMAP, CREDENTIAL, DEPLOYMENT);
    const manifest = parseStaticManifest(text, 'test.yaml');
    assert.deepEqual(
      manifest.documents.map((d) => d.text),
      [NAMESPACE, CONFIGMAP, CREDENTIAL, DEPLOYMENT],
    );
    assert.equal(manifest.documents.map((d) => d.text).join('---\n'), text);
    assert.equal(manifest.image, 'registry.example/ferry-agent@sha256:0123');
    assert.deepEqual([manifest.bootstrapIndex, manifest.deploymentIndex], [1, 3]);
  });

  it('accepts a leading --- and comment-only documents', () => {
    const manifest = parseStaticManifest(
      `---\n# a comment\n---\n${join3(CONFIGMAP, CREDENTIAL, DEPLOYMENT)}`,
      'test.yaml',
    );
    assert.equal(manifest.documents.length, 3);
  });

  it('refuses a manifest without the bootstrap ConfigMap, naming it', () => {
    assert.match(
      refusal(join3(NAMESPACE, CREDENTIAL, DEPLOYMENT)).message,
      /exactly one ConfigMap ferry-system\/ferry-agent-bootstrap, found 0/,
    );
  });

  it('refuses a bootstrap ConfigMap whose gitsync.yaml holds no GitSync', () => {
    const bad = CONFIGMAP.replace('kind: GitSync', 'kind: Kustomization');
    assert.match(refusal(join3(bad, CREDENTIAL, DEPLOYMENT)).message, /must hold one GitSync/);
  });

  it('refuses a credential Secret that ships data (it would overwrite the stored credential)', () => {
    const bad = `${CREDENTIAL}data:\n  credential: c2VjcmV0\n`;
    assert.match(
      refusal(join3(CONFIGMAP, bad, DEPLOYMENT)).message,
      /Secret ferry-system\/ferry-agent-credential must ship empty/,
    );
  });

  it('refuses a Deployment without the agent image', () => {
    const bad = DEPLOYMENT.replace(/\s+image: .*\n/, '\n');
    assert.match(refusal(join3(CONFIGMAP, CREDENTIAL, bad)).message, /Deployment ferry-system\/ferry-agent/);
  });

  it('refuses a manifest that already holds the hub Secret', () => {
    const hub = CREDENTIAL.replace('ferry-agent-credential', 'ferry-agent-hub');
    assert.match(
      refusal(join3(CONFIGMAP, CREDENTIAL, hub, DEPLOYMENT)).message,
      /already holds Secret ferry-system\/ferry-agent-hub/,
    );
  });

  it('refuses text that is not YAML, and documents that are not objects', () => {
    assert.match(refusal('kind: [unclosed\n').message, /static install manifest test\.yaml/);
    assert.match(refusal(join3('just a string\n', CONFIGMAP)).message, /document 1 is not one object/);
  });
});

describe('loadStaticManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-install-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the path it is given', () => {
    const path = join(dir, 'agent.yaml');
    writeFileSync(path, join3(CONFIGMAP, CREDENTIAL, DEPLOYMENT));
    const manifest = loadStaticManifest(path);
    assert.equal(manifest.source, path);
    assert.equal(manifest.documents.length, 3);
  });

  it('says how to build the file when it is missing', () => {
    const path = join(dir, 'missing.yaml');
    assert.throws(
      () => loadStaticManifest(path),
      (error: unknown) =>
        error instanceof InstallError &&
        error.code === 'static-manifest-missing' &&
        error.message.includes(path) &&
        error.message.includes(BUILD_STATIC_MANIFEST_COMMAND),
    );
  });
});
