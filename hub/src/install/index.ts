// The install manifest the hub serves at /install/<token>: the release's static deploy/agent manifest
// (built with the hub), with the cluster's values filled in. Also the YAML helpers the CLI shares.
export { InstallError, INSTALL_ERROR_CODES, type InstallErrorCode } from './errors.ts';
export { parseStaticManifest, type StaticDocument, type StaticManifest } from './static-manifest.ts';
export {
  BUILD_STATIC_MANIFEST_COMMAND,
  defaultStaticManifestPath,
  loadStaticManifest,
  STATIC_MANIFEST_ENV,
  STATIC_MANIFEST_FILE,
  staticManifestCandidates,
} from './load-static-manifest.ts';
export {
  buildStaticManifest,
  DEFAULT_BUILD_STATIC_MANIFEST_OPTIONS,
  DEFAULT_KUSTOMIZE_DIR,
  renderKustomize,
  type BuildStaticManifestOptions,
} from './build-static-manifest.ts';
export { checkInstallValues, type InstallCluster, type InstallValues } from './install-values.ts';
export { renderInstallManifest } from './render-install.ts';
export { describeInstall, type InstallDescription } from './describe-install.ts';
export { HUB_SECRET, HUB_SECRET_KEYS } from './names.ts';
export { parseYamlStream, toYaml, YamlError } from './yaml.ts';
