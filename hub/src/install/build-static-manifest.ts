// Building the static install manifest at hub build time: `kubectl kustomize deploy/agent`, checked
// (parseStaticManifest) and written atomically, so that a hub never starts on half a file and two
// builds at once leave one whole file. Used by hub/scripts/build-install.ts and by the test that
// checks the shipped file still equals what deploy/agent renders.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InstallError } from './errors.ts';
import { defaultStaticManifestPath } from './load-static-manifest.ts';
import { parseStaticManifest } from './static-manifest.ts';

/** deploy/agent of this checkout (from hub/src/install or hub/dist/install). */
export const DEFAULT_KUSTOMIZE_DIR = fileURLToPath(new URL('../../../deploy/agent', import.meta.url));

export interface BuildStaticManifestOptions {
  readonly kustomizeDir: string;
  readonly outFile: string;
  /** The kubectl to run (default: kubectl on PATH). */
  readonly kubectl: string;
}

export const DEFAULT_BUILD_STATIC_MANIFEST_OPTIONS: BuildStaticManifestOptions = {
  kustomizeDir: DEFAULT_KUSTOMIZE_DIR,
  outFile: defaultStaticManifestPath(),
  kubectl: 'kubectl',
};

/** `kubectl kustomize DIR`'s output (its warnings on stderr are dropped). */
export function renderKustomize(kustomizeDir: string, kubectl = 'kubectl'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      kubectl,
      ['kustomize', kustomizeDir],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        reject(
          new InstallError(
            'kustomize-failed',
            kustomizeDir,
            `${kubectl} kustomize failed: ${stderr.trim() || error.message}`,
            { cause: error },
          ),
        );
      },
    );
  });
}

/** Renders, checks and writes the static manifest; returns the file written. */
export async function buildStaticManifest(
  options: Partial<BuildStaticManifestOptions> = {},
): Promise<{ readonly outFile: string; readonly image: string; readonly documents: number }> {
  const { kustomizeDir, outFile, kubectl } = { ...DEFAULT_BUILD_STATIC_MANIFEST_OPTIONS, ...options };
  const text = await renderKustomize(kustomizeDir, kubectl);
  const manifest = parseStaticManifest(text, `${kubectl} kustomize ${kustomizeDir}`);
  mkdirSync(dirname(outFile), { recursive: true });
  const temporary = `${outFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, outFile);
  return { outFile, image: manifest.image, documents: manifest.documents.length };
}
