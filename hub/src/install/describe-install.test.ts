import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { describeInstall } from './describe-install.ts';
import { InstallError } from './errors.ts';
import { renderInstallManifest } from './render-install.ts';
import type { StaticManifest } from './static-manifest.ts';
import { SAMPLE_CA, sampleValues, shippedStaticManifest } from './test-static-manifest.ts';

let shipped: StaticManifest;
before(async () => {
  shipped = await shippedStaticManifest();
});

describe('describeInstall', () => {
  it('reads back the source, image and hub of a served manifest', () => {
    const text = renderInstallManifest(
      shipped,
      sampleValues({ ref: 'tag:v1.2.0', credentialsSecret: 'git-credentials' }, SAMPLE_CA),
    );
    assert.deepEqual(describeInstall(text), {
      repo: 'https://git.example.com/fleet.git',
      ref: 'tag:v1.2.0',
      path: 'clusters/prod-eu-1',
      targetNamespace: 'apps',
      credentialsSecret: 'git-credentials',
      image: shipped.image,
      hubUrl: 'https://hub.example.com:8443',
      cluster: 'prod-eu-1',
      hubCa: true,
    });
  });

  it('shows the root as "" and the schema default namespace when the manifest names none', () => {
    const text = renderInstallManifest(shipped, sampleValues({ path: '', targetNamespace: '' }));
    const description = describeInstall(text);
    assert.equal(description.path, '');
    assert.equal(description.targetNamespace, 'default');
    assert.equal(description.hubCa, false);
  });

  it('describes the static manifest too, with no hub', () => {
    const description = describeInstall(shipped.documents.map((d) => d.text).join('---\n'));
    assert.equal(description.hubUrl, undefined);
    assert.equal(description.image, shipped.image);
  });

  it('refuses a text that is not an install manifest', () => {
    assert.throws(
      () => describeInstall('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n'),
      (error: unknown) =>
        error instanceof InstallError &&
        error.code === 'manifest-invalid' &&
        /ferry-agent-bootstrap/.test(error.message),
    );
    assert.throws(
      () => describeInstall('{ not yaml'),
      (error: unknown) => error instanceof InstallError && error.code === 'manifest-invalid',
    );
  });
});
