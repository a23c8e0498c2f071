// Which kinds are cluster-scoped, before discovery is at hand. Render uses it only to decide which
// objects get the target namespace; the planner checks scope against discovery and corrects it.

/** `group/Kind` of the built-in cluster-scoped kinds ('' group for core). */
const BUILT_IN_CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'policy/PodSecurityPolicy',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
]);

export interface CrdScope {
  readonly group: string;
  readonly kind: string;
  readonly clusterScoped: boolean;
}

/** Scopes declared by CustomResourceDefinitions in the same render. */
export function crdScopes(manifests: readonly Record<string, unknown>[]): CrdScope[] {
  const scopes: CrdScope[] = [];
  for (const manifest of manifests) {
    if (manifest.kind !== 'CustomResourceDefinition') continue;
    const spec = manifest.spec as
      { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group === 'string' && typeof spec.names?.kind === 'string') {
      scopes.push({ group: spec.group, kind: spec.names.kind, clusterScoped: spec.scope === 'Cluster' });
    }
  }
  return scopes;
}

export function isClusterScoped(group: string, kind: string, crds: readonly CrdScope[]): boolean {
  if (BUILT_IN_CLUSTER_SCOPED.has(`${group}/${kind}`)) return true;
  return crds.some((crd) => crd.group === group && crd.kind === kind && crd.clusterScoped);
}
