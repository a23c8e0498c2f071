// A cluster's install manifest: the release's static documents exactly as shipped, except the bootstrap
// ConfigMap, whose GitSync gets the cluster's repo, ref, path and target namespace, plus the Secret
// ferry-system/ferry-agent-hub (hub URL, one-time enrollment token, CA) just before the Deployment. The
// hub fills in values only: no RBAC, image or Deployment of its own.
import { InstallError } from './errors.ts';
import { checkInstallValues, type InstallCluster, type InstallValues } from './install-values.ts';
import type { KubeObject } from './kube-object.ts';
import {
  AGENT_NAMESPACE,
  BOOTSTRAP_KEY,
  CLUSTER_ANNOTATION,
  HUB_SECRET,
  HUB_SECRET_KEYS,
  PART_OF_LABELS,
} from './names.ts';
import type { StaticManifest } from './static-manifest.ts';
import { editYamlMapping, toYaml, type MappingChange } from './yaml.ts';

const HUB_SECRET_COMMENT =
  '# The hub this agent reports to and its one-time enrollment token (it expires, and stops working once\n' +
  '# the agent has traded it for its own credential). Added by the hub to the release manifest.\n';

/** The GitSync text with the cluster's source; comments and every other default kept. */
export function bootstrapGitSync(gitSyncText: string, cluster: InstallCluster, source: string): string {
  const changes: MappingChange[] = [
    { key: 'repo', value: cluster.repo },
    { key: 'ref', value: cluster.ref, after: 'repo' },
    // '' is the root: left out, as Kubernetes 1.20-era API servers refuse "" in a custom resource.
    { key: 'path', value: cluster.path === '' ? undefined : cluster.path, after: 'ref' },
  ];
  if (cluster.targetNamespace !== '')
    changes.push({ key: 'targetNamespace', value: cluster.targetNamespace, after: 'path' });
  if (cluster.credentialsSecret !== '')
    changes.push({ key: 'credentials', value: { secretName: cluster.credentialsSecret }, after: 'interval' });
  try {
    return editYamlMapping(gitSyncText, ['spec'], changes, source);
  } catch (error) {
    throw new InstallError('static-manifest-invalid', source, (error as Error).message, { cause: error });
  }
}

/** The bootstrap Secret the agent reads at start: where the hub is, and the token to enroll with. */
export function hubSecret(values: InstallValues): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: HUB_SECRET,
      namespace: AGENT_NAMESPACE,
      labels: { ...PART_OF_LABELS },
      annotations: { [CLUSTER_ANNOTATION]: values.cluster.name },
    },
    type: 'Opaque',
    stringData: {
      [HUB_SECRET_KEYS.url]: values.hubUrl,
      [HUB_SECRET_KEYS.enrollmentToken]: values.enrollmentToken,
      ...(values.hubCa === undefined ? {} : { [HUB_SECRET_KEYS.ca]: values.hubCa }),
    },
  };
}

/** The install manifest's YAML text; throws InstallError('invalid-value') naming a bad field. */
export function renderInstallManifest(staticManifest: StaticManifest, values: InstallValues): string {
  const checked = checkInstallValues(values);
  const { documents, bootstrapIndex, deploymentIndex } = staticManifest;
  const texts = documents.map((document, index) => {
    if (index !== bootstrapIndex) return document.text;
    const configMap = document.object;
    const data = { ...(configMap.data as Record<string, unknown>) };
    data[BOOTSTRAP_KEY] = bootstrapGitSync(
      staticManifest.gitSyncText,
      checked.cluster,
      `${staticManifest.source}: ConfigMap ${AGENT_NAMESPACE}/${configMap.metadata.name} key ${BOOTSTRAP_KEY}`,
    );
    return toYaml({ ...configMap, data });
  });
  texts.splice(deploymentIndex, 0, HUB_SECRET_COMMENT + toYaml(hubSecret(checked)));
  return texts.join('---\n');
}
