// Data that Git cannot rebuild: the PersistentVolumeClaims of StatefulSets Git describes. The StatefulSet
// controller names them `<claimTemplate>-<statefulset>-<ordinal>`; a claim made by another object Git
// describes (its owners lead there) is data too. Git rebuilds the claim, never what the volume held.
import type { OwnershipIndex, SeenObject } from './managed-owner.ts';
import type { ClaimTemplates } from './types.ts';

export interface DataIndex {
  isData(seen: SeenObject): boolean;
}

export function dataIndex(claims: readonly ClaimTemplates[], ownership: OwnershipIndex): DataIndex {
  /** namespace → the `<template>-<statefulset>-` prefixes of its claims. */
  const prefixes = new Map<string, string[]>();
  for (const { namespace, statefulSet, templates } of claims) {
    const list = prefixes.get(namespace) ?? [];
    for (const template of templates) list.push(`${template}-${statefulSet}-`);
    prefixes.set(namespace, list);
  }
  const claimOfStatefulSet = (namespace: string, name: string): boolean =>
    (prefixes.get(namespace) ?? []).some(
      (prefix) => name.startsWith(prefix) && /^(0|[1-9][0-9]*)$/.test(name.slice(prefix.length)),
    );
  return {
    isData: (seen) => {
      if (!seen.refs.some((ref) => ref.group === '' && ref.kind === 'PersistentVolumeClaim')) return false;
      const { namespace = '', name } = seen.object.metadata;
      return claimOfStatefulSet(namespace, name) || ownership.ownedByManaged(seen);
    },
  };
}
