// Exact-once storage of agent messages: per cluster and agent epoch, the highest seq stored. A message
// at or below it was stored before (a resend after a lost acknowledgement): acknowledged again, not
// stored twice. The oldest epochs (by arrival) are forgotten past a bound; an agent process lives in one epoch.
import type { Db } from './sqlite.ts';

/** The highest seq stored for (cluster, epoch), registering the epoch at 0 when it is new. */
export function epochSeq(db: Db, clusterId: number, epoch: string, now: Date, keep: number): number {
  const known = db
    .prepare<{ last_seq: number }>('SELECT last_seq FROM agent_epochs WHERE cluster_id = ? AND epoch = ?')
    .get(clusterId, epoch);
  if (known !== undefined) return known.last_seq;
  db.prepare('INSERT INTO agent_epochs (cluster_id, epoch, last_seq, first_seen_at) VALUES (?, ?, 0, ?)').run(
    clusterId,
    epoch,
    now.getTime(),
  );
  db.prepare(
    `DELETE FROM agent_epochs WHERE cluster_id = ? AND epoch NOT IN (
       SELECT epoch FROM agent_epochs WHERE cluster_id = ? ORDER BY rowid DESC LIMIT ?)`,
  ).run(clusterId, clusterId, keep);
  return 0;
}

/** Records that everything up to seq is stored for (cluster, epoch). */
export function advanceEpoch(db: Db, clusterId: number, epoch: string, seq: number): void {
  db.prepare('UPDATE agent_epochs SET last_seq = max(last_seq, ?) WHERE cluster_id = ? AND epoch = ?').run(
    seq,
    clusterId,
    epoch,
  );
}
