// What Ferry owns in a cluster: ObjectRefs with their API versions, stored in one object in the agent's
// namespace (not in a status field: backups drop status).
import type { ObjectRef } from '@ferry/shared';

export interface Inventory {
  /** Sorted by refKey, no duplicates. */
  readonly entries: readonly ObjectRef[];
}

/** The two ownership labels every applied object carries (a label value cannot hold '/'). */
export const OWNER_NAMESPACE_LABEL = 'ferry.dev/sync-namespace';
export const OWNER_NAME_LABEL = 'ferry.dev/sync-name';

/** The label selector of everything one sync owns. */
export const ownerSelector = (owner: SyncIdentity): string =>
  `${OWNER_NAMESPACE_LABEL}=${owner.namespace},${OWNER_NAME_LABEL}=${owner.name}`;

export interface SyncIdentity {
  /** Namespace and name of the GitSync (or of the CLI's stand-in for it). */
  readonly namespace: string;
  readonly name: string;
}
