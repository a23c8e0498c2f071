// An agent's hello: who it is (cluster UID, versions), on which credential and epoch. The first hello
// fixes the cluster UID and enrolls the cluster; a later hello from another UID is refused and kept on
// the cluster for the fleet view to show, as is a connection refused for its revoked credential. A hello
// also ends the enrollment token for good.
import { ms, type StoreContext } from './context.ts';
import { epochSeq } from './epochs.ts';
import { markHeardAt, markHeardByName } from './heard.ts';
import type { ClusterState } from './types.ts';

export interface Hello {
  /** The digest of the credential the agent authenticated with. */
  readonly credentialDigest: string;
  /** The UID of the cluster's kube-system namespace. */
  readonly clusterUid: string;
  readonly agentVersion: string;
  readonly kubernetesVersion: string;
  /** The agent process's epoch: its messages carry it with a sequence number. */
  readonly epoch: string;
}

export type HelloResult =
  | {
      readonly ok: true;
      /** True when this hello set the cluster UID (a first enrollment, or the first after recovery). */
      readonly firstHello: boolean;
      readonly state: ClusterState;
      /** The highest seq stored for this epoch: the agent resends what comes after it. */
      readonly lastSeq: number;
    }
  | { readonly ok: false; readonly reason: 'unknown-cluster' }
  /** The credential is not this cluster's active one (unknown, revoked, or another cluster's). */
  | { readonly ok: false; readonly reason: 'credential-refused' }
  | {
      readonly ok: false;
      readonly reason: 'cluster-uid-mismatch';
      readonly expected: string;
      readonly got: string;
    };

export interface HelloMethods {
  recordHello(cluster: string, hello: Hello, now: Date): HelloResult;
  /** Notes that the cluster was heard from (a ping outside any batch); false when unknown. */
  markHeard(cluster: string, now: Date): boolean;
  /**
   * Keeps a refused connection on the cluster (its revoked credential tried to connect) for the fleet
   * view, until a hello is accepted again; false when there is no such cluster.
   */
  recordRefusal(cluster: string, message: string, now: Date): boolean;
}

export function helloMethods({ db, limits }: StoreContext): HelloMethods {
  // Not durable at once: nothing is acknowledged on a hello (it is answered with a welcome), and what it
  // writes is written again by the next hello; the next commit of agent records takes it to the disk.
  // A reconnect storm of 10,000 hellos is then 10,000 commits, not 10,000 syncs of the disk.
  const recordHello = (cluster: string, hello: Hello, now: Date): HelloResult =>
    db.transaction(
      () => {
        const row = db
          .prepare<{ id: number; state: ClusterState; cluster_uid: string | null }>(
            'SELECT id, state, cluster_uid FROM clusters WHERE name = ?',
          )
          .get(cluster);
        if (row === undefined) return { ok: false, reason: 'unknown-cluster' };
        const credential = db
          .prepare(
            'UPDATE credentials SET connected_at = coalesce(connected_at, ?) WHERE digest = ? AND cluster_id = ? AND revoked_at IS NULL',
          )
          .run(ms(now), hello.credentialDigest, row.id);
        if (credential.changes !== 1) return { ok: false, reason: 'credential-refused' };
        if (row.cluster_uid !== null && row.cluster_uid !== hello.clusterUid) {
          const message = `refused a hello from cluster UID ${hello.clusterUid}: this cluster is ${row.cluster_uid}`;
          db.prepare('UPDATE clusters SET refusal = ?, refused_at = ? WHERE id = ?').run(
            message,
            ms(now),
            row.id,
          );
          return {
            ok: false,
            reason: 'cluster-uid-mismatch',
            expected: row.cluster_uid,
            got: hello.clusterUid,
          };
        }
        const state: ClusterState = row.state === 'pending' ? 'enrolled' : row.state;
        db.prepare(
          `UPDATE clusters SET cluster_uid = ?, agent_version = ?, kubernetes_version = ?, state = ?,
           enrolled_at = coalesce(enrolled_at, CASE WHEN ? = 'enrolled' THEN ? END),
           refusal = NULL, refused_at = NULL
         WHERE id = ?`,
        ).run(hello.clusterUid, hello.agentVersion, hello.kubernetesVersion, state, state, ms(now), row.id);
        markHeardAt(db, row.id, ms(now));
        return {
          ok: true,
          firstHello: row.cluster_uid === null,
          state,
          lastSeq: epochSeq(db, row.id, hello.epoch, now, limits.epochsPerCluster),
        };
      },
      { durable: false },
    );
  return {
    recordHello,
    markHeard: (cluster, now) => markHeardByName(db, cluster, ms(now)),
    recordRefusal: (cluster, message, now) =>
      db
        .prepare('UPDATE clusters SET refusal = ?, refused_at = ? WHERE name = ?')
        .run(message, ms(now), cluster).changes === 1,
  };
}
