import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { InstallError } from './errors.ts';
import type { InstallValues } from './install-values.ts';
import { dig, isKubeObject, type KubeObject } from './kube-object.ts';
import { renderInstallManifest } from './render-install.ts';
import type { StaticManifest } from './static-manifest.ts';
import { SAMPLE_CA, SAMPLE_TOKEN, sampleValues, shippedStaticManifest } from './test-static-manifest.ts';
import { parseYamlStream } from './yaml.ts';

let shipped: StaticManifest;
before(async () => {
  shipped = await shippedStaticManifest();
});

function objectsOf(text: string): KubeObject[] {
  return parseYamlStream(text, 'rendered').filter(isKubeObject);
}
function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(object, `${kind} ${name} in the manifest`);
  return object;
}
function gitSyncSpecOf(objects: readonly KubeObject[]): Record<string, unknown> {
  const text = dig(find(objects, 'ConfigMap', 'ferry-agent-bootstrap'), 'data', 'gitsync.yaml');
  assert.equal(typeof text, 'string');
  const [gitSync] = parseYamlStream(text as string, 'gitsync.yaml');
  return dig(gitSync, 'spec') as Record<string, unknown>;
}
function refusal(values: InstallValues): InstallError {
  try {
    renderInstallManifest(shipped, values);
  } catch (error) {
    assert.ok(error instanceof InstallError);
    assert.equal(error.code, 'invalid-value');
    return error;
  }
  assert.fail('expected a refusal');
}

describe('renderInstallManifest', () => {
  it('serves every static document but the bootstrap ConfigMap byte for byte, in order, and adds only the hub Secret', () => {
    const text = renderInstallManifest(shipped, sampleValues());
    const staticTexts = shipped.documents.map((d) => d.text);
    const served = text.split(/^---\n/m);
    // The served stream is the static one with the ConfigMap replaced and one document inserted.
    const secretAt = shipped.deploymentIndex;
    assert.equal(served.length, staticTexts.length + 1);
    for (const [index, staticText] of staticTexts.entries()) {
      const servedText = served[index < secretAt ? index : index + 1];
      if (index === shipped.bootstrapIndex) assert.notEqual(servedText, staticText);
      else assert.equal(servedText, staticText, `document ${index + 1} unchanged`);
    }
    const inserted = objectsOf(served[secretAt] ?? '');
    assert.deepEqual(
      inserted.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      ['Secret ferry-system/ferry-agent-hub'],
    );
  });

  it('changes nothing in the ConfigMap but its GitSync source, and keeps every other GitSync default', () => {
    const objects = objectsOf(renderInstallManifest(shipped, sampleValues()));
    const staticObjects = shipped.documents.map((d) => d.object);
    const configMap = find(objects, 'ConfigMap', 'ferry-agent-bootstrap');
    const staticConfigMap = find(staticObjects, 'ConfigMap', 'ferry-agent-bootstrap');
    assert.deepEqual({ ...configMap, data: {} }, { ...staticConfigMap, data: {} });
    const spec = gitSyncSpecOf(objects);
    const staticSpec = gitSyncSpecOf(staticObjects);
    assert.deepEqual(spec, {
      ...staticSpec,
      repo: 'https://git.example.com/fleet.git',
      ref: 'main',
      path: 'clusters/prod-eu-1',
      targetNamespace: 'apps',
    });
  });

  it('keeps the comments of the GitSync, so the served ConfigMap still documents every field', () => {
    const objects = objectsOf(renderInstallManifest(shipped, sampleValues()));
    const text = dig(find(objects, 'ConfigMap', 'ferry-agent-bootstrap'), 'data', 'gitsync.yaml') as string;
    assert.match(text, /# How often to look for a new revision/);
  });

  it('leaves path out for the repository root and keeps the default target namespace for ""', () => {
    const spec = gitSyncSpecOf(
      objectsOf(renderInstallManifest(shipped, sampleValues({ path: '', targetNamespace: '' }))),
    );
    const staticSpec = gitSyncSpecOf(shipped.documents.map((d) => d.object));
    assert.equal('path' in spec, false);
    assert.equal(spec.targetNamespace, staticSpec.targetNamespace);
    assert.equal(Object.values(spec).includes(''), false);
  });

  it('names the Git credentials Secret of a private repo in spec.credentials, and nothing for a public one', () => {
    const spec = gitSyncSpecOf(
      objectsOf(renderInstallManifest(shipped, sampleValues({ credentialsSecret: 'git-credentials' }))),
    );
    assert.deepEqual(spec.credentials, { secretName: 'git-credentials' });
    const publicSpec = gitSyncSpecOf(objectsOf(renderInstallManifest(shipped, sampleValues())));
    assert.equal('credentials' in publicSpec, false);
    assert.match(
      refusal(sampleValues({ credentialsSecret: 'Not A Name' })).message,
      /cluster\.credentialsSecret/,
    );
  });

  it('puts the hub URL and the one-time token (and the CA when given) in Secret ferry-agent-hub', () => {
    const plain = find(
      objectsOf(renderInstallManifest(shipped, sampleValues())),
      'Secret',
      'ferry-agent-hub',
    );
    assert.deepEqual(plain.stringData, {
      url: 'https://hub.example.com:8443',
      enrollmentToken: SAMPLE_TOKEN,
    });
    assert.equal(plain.type, 'Opaque');
    assert.equal(plain.metadata.namespace, 'ferry-system');
    assert.equal(dig(plain, 'metadata', 'labels', 'app.kubernetes.io/part-of'), 'ferry');
    assert.equal(dig(plain, 'metadata', 'annotations', 'ferry.dev/cluster'), 'prod-eu-1');
    const withCa = find(
      objectsOf(renderInstallManifest(shipped, sampleValues({}, SAMPLE_CA.replace(/\n/g, '\r\n')))),
      'Secret',
      'ferry-agent-hub',
    );
    assert.equal(dig(withCa, 'stringData', 'ca.crt'), SAMPLE_CA);
  });

  it('adds no RBAC, image or Deployment of its own', () => {
    const objects = objectsOf(renderInstallManifest(shipped, sampleValues()));
    const kinds = (list: readonly KubeObject[]): string[] => list.map((o) => o.kind).sort();
    assert.deepEqual(
      kinds(objects),
      kinds([...shipped.documents.map((d) => d.object), find(objects, 'Secret', 'ferry-agent-hub')]),
    );
    const images = JSON.stringify(objects).match(/"image":"[^"]*"/g);
    assert.deepEqual(images, [`"image":"${shipped.image}"`]);
  });

  it('writes values that YAML 1.1 would read as something else as quoted strings', () => {
    for (const ref of [
      'yes',
      'on',
      'y',
      '1.0',
      '010',
      '0x1F',
      '2024-01-01',
      '~',
      'null',
      'semver:>=1.0 <2',
      'a: b',
      '#x',
    ]) {
      const spec = gitSyncSpecOf(
        objectsOf(renderInstallManifest(shipped, sampleValues({ ref, path: '1_000' }))),
      );
      assert.equal(spec.ref, ref);
      assert.equal(spec.path, '1_000');
    }
  });

  it('cannot be made to add a line or a key through a value', () => {
    const injected = 'main\nsuspend: true';
    assert.match(
      refusal(sampleValues({ ref: injected })).message,
      /^cluster\.ref: must not hold control characters/,
    );
    assert.match(refusal(sampleValues({ name: 'a\nb' })).message, /^cluster\.name:/);
    assert.match(refusal(sampleValues({ path: 'x\r\ny' })).message, /^cluster\.path:/);
    // A value with YAML syntax but no line break stays one string.
    const spec = gitSyncSpecOf(
      objectsOf(renderInstallManifest(shipped, sampleValues({ ref: 'main", suspend: true, x: "' }))),
    );
    assert.equal(spec.ref, 'main", suspend: true, x: "');
    assert.equal(spec.suspend, false);
  });

  it('refuses a repo URL with credentials, or that is not http(s), naming cluster.repo', () => {
    assert.match(
      refusal(sampleValues({ repo: 'https://user:pw@git.example.com/x.git' })).message,
      /^cluster\.repo: must not hold credentials/,
    );
    assert.match(refusal(sampleValues({ repo: 'git@github.com:a/b.git' })).message, /^cluster\.repo:/);
    assert.match(
      refusal(sampleValues({ repo: 'ssh://git.example.com/x.git' })).message,
      /^cluster\.repo: must be an http\(s\) URL/,
    );
    assert.match(refusal(sampleValues({ repo: '' })).message, /^cluster\.repo: is empty/);
  });

  it('refuses a path out of the repository, a bad namespace, an empty ref', () => {
    assert.match(refusal(sampleValues({ path: '../other' })).message, /^cluster\.path:/);
    assert.match(refusal(sampleValues({ path: '/abs' })).message, /^cluster\.path:/);
    assert.match(refusal(sampleValues({ targetNamespace: 'Apps' })).message, /^cluster\.targetNamespace:/);
    assert.match(refusal(sampleValues({ ref: '' })).message, /^cluster\.ref: is empty/);
  });

  it('refuses a bad token without showing it, a bad hub URL, a CA that is not PEM', () => {
    const token = 'not a token: secret-ish value';
    const error = refusal({ ...sampleValues(), enrollmentToken: token });
    assert.match(error.message, /^enrollmentToken:/);
    assert.equal(error.message.includes(token), false);
    assert.match(refusal({ ...sampleValues(), hubUrl: 'wss://hub.example.com' }).message, /^hubUrl:/);
    assert.match(
      refusal({ ...sampleValues(), hubUrl: 'https://hub.example.com/?x=1' }).message,
      /^hubUrl: must not hold a query/,
    );
    assert.match(refusal({ ...sampleValues(), hubCa: 'not a certificate' }).message, /^hubCa:/);
  });
});
