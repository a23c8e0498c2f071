// The namespaces a readiness scan looks at: those of the inventory's namespaced objects, and the GitSync's
// targetNamespace. Never the agent's own namespace: the install (or recovery) manifest rebuilds what is
// there, not Git. In the namespace-scoped profile only the namespaces the agent may read.
import type { ObjectRef } from '@ferry/shared';

export interface ManagedNamespacesInput {
  readonly managed: readonly ObjectRef[];
  readonly targetNamespace: string;
  readonly agentNamespace: string;
  /** Namespace-scoped profile: the only namespaces the agent may read. Empty: cluster-wide. */
  readonly watchNamespaces: readonly string[];
}

/** Sorted, without duplicates. */
export function managedNamespaces(input: ManagedNamespacesInput): string[] {
  const names = new Set(input.managed.map((ref) => ref.namespace).filter((namespace) => namespace !== ''));
  if (input.targetNamespace !== '') names.add(input.targetNamespace);
  names.delete(input.agentNamespace);
  const readable = new Set(input.watchNamespaces);
  return [...names].filter((name) => readable.size === 0 || readable.has(name)).sort();
}
