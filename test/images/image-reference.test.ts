// The agent's image reference is a kustomize parameter: an overlay of deploy/agent (or of its namespaced
// profile) with only an `images:` entry changes the Deployment's image and nothing else, and the hub
// takes that rendering as its static install manifest (--install-manifest). deploy/README.md shows the
// overlay; bundles.test.ts starts a hub bundle on one.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseStaticManifest } from '../../hub/src/install/index.ts';
import { REPO_ROOT } from './images.ts';
import {
  AGENT_IMAGE_NAME,
  kustomize,
  overriddenImage,
  renderOverlay,
  type ImageOverride,
} from './overlay.ts';

const scratch = mkdtempSync(join(tmpdir(), 'ferry-image-reference-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The documents with the agent container's image blanked, to compare the rest. */
function withoutImage(text: string): unknown[] {
  return parseAllDocuments(text).map((document) => {
    const object = document.toJS() as {
      kind?: string;
      spec?: { template?: { spec?: { containers?: { name: string; image?: string }[] } } };
    };
    for (const container of object.spec?.template?.spec?.containers ?? [])
      if (object.kind === 'Deployment' && container.name === 'agent') container.image = '<image>';
    return object;
  });
}

const OVERRIDES: readonly ImageOverride[] = [
  { newName: 'registry.example.com/platform/ferry-agent', newTag: '0.1.0-acme.1' },
  {
    newName: 'registry.example.com:5000/ferry-agent',
    digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  },
];

describe('the agent image as a kustomize parameter', () => {
  for (const profile of ['deploy/agent', 'deploy/agent/namespaced'] as const) {
    for (const [index, override] of OVERRIDES.entries()) {
      it(`${profile} with images: ${overriddenImage(override)} changes the image and nothing else`, async () => {
        const base = await kustomize(join(REPO_ROOT, profile));
        const text = await renderOverlay(
          profile,
          join(scratch, `${profile.replace(/\//g, '-')}-${index}`),
          override,
        );
        assert.deepEqual(withoutImage(text), withoutImage(base));
        assert.equal(parseStaticManifest(base, profile).image.startsWith(`${AGENT_IMAGE_NAME}:`), true);
        assert.equal(parseStaticManifest(text, 'overlay').image, overriddenImage(override));
      });
    }
  }

  it('deploy/examples/agent-overlay shows the images: entry for the image deploy/agent names', () => {
    const example = readFileSync(join(REPO_ROOT, 'deploy/examples/agent-overlay/kustomization.yaml'), 'utf8');
    assert.match(example, new RegExp(`^# +- name: ${AGENT_IMAGE_NAME.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(example, /^# +newName: \S+$/m);
    assert.match(example, /^# +newTag: \S+$/m);
  });
});
