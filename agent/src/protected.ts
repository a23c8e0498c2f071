// What prune never touches, whatever the inventory says: the agent's own namespace and everything in
// it (its Deployment, RBAC, configuration, credentials, inventory), Ferry's CRD, and the agent's
// cluster-wide RBAC.
import type { ObjectRef } from '@ferry/shared';

export const GITSYNC_CRD_NAME = 'gitsyncs.ferry.dev';
const AGENT_RBAC_PREFIX = 'ferry-agent';

export function protectedRefs(agentNamespace: string): (ref: ObjectRef) => boolean {
  return (ref) => {
    if (ref.group === '' && ref.kind === 'Namespace') return ref.name === agentNamespace;
    if (ref.namespace === agentNamespace) return true;
    if (ref.group === 'apiextensions.k8s.io' && ref.kind === 'CustomResourceDefinition')
      return ref.name === GITSYNC_CRD_NAME;
    if (
      ref.group === 'rbac.authorization.k8s.io' &&
      (ref.kind === 'ClusterRole' || ref.kind === 'ClusterRoleBinding')
    ) {
      return ref.name.startsWith(AGENT_RBAC_PREFIX);
    }
    return false;
  };
}
