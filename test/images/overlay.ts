// The image reference as a kustomize parameter: an overlay of deploy/agent (or its namespaced profile)
// with only an `images:` entry, written as deploy/README.md tells users to, and rendered with the
// kubectl on PATH (kubectl 1.20's kustomize, v2.0.3, reads the same: `bases`, `images` with newName and
// newTag).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './images.ts';
import { runCommand, tail } from './run-command.ts';

/** The agent's image as deploy/agent names it, without its tag. */
export const AGENT_IMAGE_NAME = 'ghcr.io/ferry-dev/ferry-agent';

/** kustomize's `images:` entry: a new name, and a tag or a digest. */
export type ImageOverride =
  | { readonly newName: string; readonly newTag: string }
  | { readonly newName: string; readonly digest: string };

/** The image reference the override makes: `name:tag` or `name@digest`. */
export function overriddenImage(image: ImageOverride): string {
  return 'digest' in image ? `${image.newName}@${image.digest}` : `${image.newName}:${image.newTag}`;
}

export function overlayKustomization(baseDir: string, overlayDir: string, image: ImageOverride): string {
  return [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'bases:',
    `  - ${relative(overlayDir, baseDir)}`,
    'images:',
    `  - name: ${AGENT_IMAGE_NAME}`,
    `    newName: ${image.newName}`,
    'digest' in image ? `    digest: ${image.digest}` : `    newTag: ${image.newTag}`,
    '',
  ].join('\n');
}

/** Writes the overlay into `overlayDir` and returns `kubectl kustomize` of it. */
export async function renderOverlay(
  profile: 'deploy/agent' | 'deploy/agent/namespaced',
  overlayDir: string,
  image: ImageOverride,
): Promise<string> {
  mkdirSync(overlayDir, { recursive: true });
  writeFileSync(
    join(overlayDir, 'kustomization.yaml'),
    overlayKustomization(join(REPO_ROOT, profile), overlayDir, image),
  );
  return kustomize(overlayDir);
}

export async function kustomize(dir: string): Promise<string> {
  const result = await runCommand('kubectl', ['kustomize', dir], { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${tail(result)}`);
  return result.stdout;
}
