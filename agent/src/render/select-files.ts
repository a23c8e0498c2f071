// Which files of the path are manifests: every .yaml, .yml and .json file, minus what `.ferryignore`
// (gitignore syntax, at the root of the path) excludes. Kustomize and Helm sources are recognised by
// their files so they get a clear "not supported yet" error rather than an unknown-kind one.
import ignore from 'ignore';
import type { RenderError, RenderFile } from './types.ts';

export const IGNORE_FILE = '.ferryignore';
const MANIFEST = /\.(ya?ml|json)$/i;
const KUSTOMIZE = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const HELM = 'Chart.yaml';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The files render needs to see (the source reads only these). */
export function isRenderInput(path: string): boolean {
  const name = baseName(path);
  return MANIFEST.test(name) || name === IGNORE_FILE || KUSTOMIZE.has(name);
}

export interface SelectedFiles {
  readonly manifests: readonly RenderFile[];
  readonly errors: readonly RenderError[];
}

export function selectFiles(files: readonly RenderFile[]): SelectedFiles {
  const ignoreFile = files.find((file) => file.path === IGNORE_FILE);
  const matcher = ignore();
  if (ignoreFile !== undefined) matcher.add(new TextDecoder().decode(ignoreFile.content));
  const kept = files.filter((file) => file.path !== IGNORE_FILE && !matcher.ignores(file.path));
  const errors: RenderError[] = [];
  for (const file of kept) {
    const name = baseName(file.path);
    if (KUSTOMIZE.has(name)) {
      errors.push({
        code: 'unsupported-source',
        file: file.path,
        line: 1,
        message: `${file.path} makes this a Kustomize source, which Ferry does not render yet; list plain manifests instead, or exclude it in ${IGNORE_FILE}`,
      });
    } else if (name === HELM) {
      errors.push({
        code: 'unsupported-source',
        file: file.path,
        line: 1,
        message: `${file.path} makes this a Helm chart, which Ferry does not render yet; commit rendered manifests instead, or exclude it in ${IGNORE_FILE}`,
      });
    }
  }
  const manifests = kept
    .filter((file) => MANIFEST.test(baseName(file.path)) && baseName(file.path) !== HELM)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { manifests, errors };
}
