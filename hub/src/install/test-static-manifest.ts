// For the install module's tests (and any hub test that serves manifests): the static manifest the
// hub build ships, built first from deploy/agent when this checkout has not been built yet.
import { existsSync } from 'node:fs';
import { buildStaticManifest } from './build-static-manifest.ts';
import { defaultStaticManifestPath, loadStaticManifest } from './load-static-manifest.ts';
import type { StaticManifest } from './static-manifest.ts';
import type { InstallValues } from './install-values.ts';

/** True when this call had to build the file (so it cannot be stale). */
export async function ensureStaticManifestBuilt(): Promise<boolean> {
  if (existsSync(defaultStaticManifestPath())) return false;
  await buildStaticManifest();
  return true;
}

export async function shippedStaticManifest(): Promise<StaticManifest> {
  await ensureStaticManifestBuilt();
  return loadStaticManifest();
}

/** A token of base64url characters like the hub's (without their prefix); not a real one. */
export const SAMPLE_TOKEN = 'TESTtokenTESTtokenTESTtokenTESTtokenTESTtok';

export const SAMPLE_CA = `-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUTESTONLYTESTONLYTESTONLYTESTONLwCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----
`;

export function sampleValues(
  overrides: Partial<InstallValues['cluster']> = {},
  hubCa?: string,
): InstallValues {
  return {
    cluster: {
      name: 'prod-eu-1',
      repo: 'https://git.example.com/fleet.git',
      ref: 'main',
      path: 'clusters/prod-eu-1',
      targetNamespace: 'apps',
      credentialsSecret: '',
      ...overrides,
    },
    enrollmentToken: SAMPLE_TOKEN,
    hubUrl: 'https://hub.example.com:8443',
    ...(hubCa === undefined ? {} : { hubCa }),
  };
}
