// The hello that opens every connection: the version both sides speak, the cluster's identity checked
// against its credential (store.recordHello), the epoch's stored seq, and whether the hub needs a full
// snapshot (its state's digest differs from the agent's, or it has none). The digest compared is the one
// the store keeps with its snapshot (the agent's, moved on by deltas); only when the store does not know
// it (its rows moved without a digest from the agent) is it computed over the stored resources.
import {
  CLOSE_CODES,
  negotiateVersion,
  PROTOCOL_VERSIONS,
  type AgentMessageOf,
  type CloseCode,
} from '@ferry/shared/protocol';
import type { Store } from '../store/index.ts';
import { storedDigest } from './to-summary.ts';

export type HelloDecision =
  | {
      readonly ok: true;
      readonly version: number;
      /** The highest seq stored for the hello's epoch (0 for a new epoch). */
      readonly lastSeq: number;
      readonly firstHello: boolean;
      readonly snapshotWanted: boolean;
    }
  | { readonly ok: false; readonly code: CloseCode; readonly reason: string };

export interface HelloContext {
  readonly store: Pick<Store, 'recordHello' | 'snapshotMeta' | 'snapshotResources'>;
  readonly cluster: string;
  readonly credentialDigest: string;
  readonly now: Date;
}

/** True unless the hub holds a complete snapshot whose digest is the agent's. */
export function wantsSnapshot(
  store: Pick<Store, 'snapshotMeta' | 'snapshotResources'>,
  cluster: string,
  agentDigest: string | undefined,
): boolean {
  if (agentDigest === undefined) return true;
  const meta = store.snapshotMeta(cluster);
  if (meta === undefined) return true;
  if (meta.digest !== '') return meta.digest !== agentDigest;
  const stored = store.snapshotResources(cluster);
  return stored === undefined || storedDigest(stored) !== agentDigest;
}

export function acceptHello(context: HelloContext, hello: AgentMessageOf<'hello'>): HelloDecision {
  const { store, cluster } = context;
  const { body } = hello;
  const version = negotiateVersion(body.protocols);
  if (version === undefined) {
    return {
      ok: false,
      code: CLOSE_CODES.unsupportedVersion,
      reason: `body.protocols: none of ${body.protocols.join(', ')} is spoken here (speaks ${PROTOCOL_VERSIONS.join(', ')})`,
    };
  }
  const recorded = store.recordHello(
    cluster,
    {
      credentialDigest: context.credentialDigest,
      clusterUid: body.clusterUid,
      agentVersion: body.agentVersion,
      kubernetesVersion: body.kubernetesVersion,
      epoch: hello.epoch,
    },
    context.now,
  );
  if (!recorded.ok) {
    switch (recorded.reason) {
      case 'unknown-cluster':
        return { ok: false, code: CLOSE_CODES.unauthorized, reason: `cluster ${cluster} no longer exists` };
      case 'credential-refused':
        return {
          ok: false,
          code: CLOSE_CODES.unauthorized,
          reason: `authorization: credential no longer active for cluster ${cluster}`,
        };
      case 'cluster-uid-mismatch':
        return {
          ok: false,
          code: CLOSE_CODES.forbidden,
          reason: `body.clusterUid: ${recorded.got} is not cluster ${cluster}'s UID ${recorded.expected}`,
        };
    }
  }
  if (hello.seq <= recorded.lastSeq) {
    return {
      ok: false,
      code: CLOSE_CODES.invalidMessage,
      reason: `seq: hello ${hello.seq} is not above the ${recorded.lastSeq} stored for its epoch`,
    };
  }
  return {
    ok: true,
    version,
    lastSeq: recorded.lastSeq,
    firstHello: recorded.firstHello,
    snapshotWanted: wantsSnapshot(store, cluster, body.snapshotDigest),
  };
}
