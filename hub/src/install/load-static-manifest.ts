// Finding the static install manifest the hub serves: a path given by the operator
// (--install-manifest, FERRY_HUB_INSTALL_MANIFEST), else agent.yaml next to the built code
// (hub/dist/install/agent.yaml, written by `pnpm --filter @ferry/hub build`). Running from source
// (tsx), this module sits in hub/src/install and looks in hub/dist/install just the same.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InstallError } from './errors.ts';
import { parseStaticManifest, type StaticManifest } from './static-manifest.ts';

/** The variable main.ts reads to name another static manifest. */
export const STATIC_MANIFEST_ENV = 'FERRY_HUB_INSTALL_MANIFEST';
export const STATIC_MANIFEST_FILE = 'agent.yaml';
/** The command that builds the file when running from source. */
export const BUILD_STATIC_MANIFEST_COMMAND = 'pnpm --filter @ferry/hub build:install';

/** Where the hub looks when given no path: beside this module when built, hub/dist/install from source. */
export function staticManifestCandidates(): string[] {
  const paths = [
    fileURLToPath(new URL(`./${STATIC_MANIFEST_FILE}`, import.meta.url)),
    fileURLToPath(new URL(`../../dist/install/${STATIC_MANIFEST_FILE}`, import.meta.url)),
  ];
  return [...new Set(paths)];
}

/** The path the build writes to and the hub reads by default: hub/dist/install/agent.yaml. */
export function defaultStaticManifestPath(): string {
  return fileURLToPath(new URL(`../../dist/install/${STATIC_MANIFEST_FILE}`, import.meta.url));
}

/**
 * Reads and checks the static manifest at `path`, or at the first default place that has one. Throws
 * InstallError: 'static-manifest-missing' (saying how to build it) or 'static-manifest-invalid'.
 */
export function loadStaticManifest(path?: string): StaticManifest {
  const candidates = path === undefined || path === '' ? staticManifestCandidates() : [path];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined)
    throw new InstallError(
      'static-manifest-missing',
      'static install manifest',
      `not found at ${candidates.join(' or ')}; build it with \`${BUILD_STATIC_MANIFEST_COMMAND}\` ` +
        `(or name one with ${STATIC_MANIFEST_ENV})`,
    );
  let text: string;
  try {
    text = readFileSync(found, 'utf8');
  } catch (error) {
    throw new InstallError('static-manifest-missing', `static install manifest ${found}`, 'cannot be read', {
      cause: error,
    });
  }
  return parseStaticManifest(text, found);
}
