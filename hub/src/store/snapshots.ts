// Full snapshots of a cluster's resources, sent in chunks. Chunks are staged; the last one replaces the
// stored resources with the staged ones in the same transaction, so a reader (or a crash) sees the old
// snapshot or the new one, never a mix. A snapshot in one chunk (the usual case: 1 MiB frames hold
// thousands of resources) skips the staging table and replaces the stored resources at once. Either
// way only the rows that differ are written (replace-resources.ts). A chunk out of order abandons its
// snapshot; a chunk 0 starts its snapshot over, even under the id of one already staged or complete (an
// agent's snapshot id is often its digest, which comes back whenever its state does; a resent chunk
// never gets here, the (epoch, seq) dedupe stops it first).
//
// The complete snapshot's digest is the agent's, kept current by the digests deltas carry, so that a
// hello's digest is compared without reading the resources; it is '' (unknown) once the stored rows
// moved without a digest from the agent (a delta without one, a drift flag), and then the rows are read.
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import { replaceResources } from './replace-resources.ts';
import { RESOURCE_COLUMNS, resourceValues, toResource, type ResourceRow } from './resource-row.ts';
import type { Db } from './sqlite.ts';
import type { ResourceRecord, SnapshotChunk } from './types.ts';

export const CHUNK_OUTCOMES = ['staged', 'completed', 'out-of-order', 'already-complete'] as const;
export type ChunkOutcome = (typeof CHUNK_OUTCOMES)[number];

export interface SnapshotMeta {
  readonly snapshotId: string;
  readonly digest: string;
  readonly completedAt: Date;
}

export interface SnapshotMethods {
  /**
   * The snapshot the stored resources come from; undefined before the first complete one. Its digest is
   * '' when unknown (the stored resources moved without a digest from the agent).
   */
  snapshotMeta(cluster: string): SnapshotMeta | undefined;
  /**
   * Every stored resource of the cluster (the complete snapshot moved on by deltas), in key order, for
   * the hub to compare its state with an agent's snapshot digest; undefined while no snapshot is complete.
   */
  snapshotResources(cluster: string): ResourceRecord[] | undefined;
}

export function storeChunk(db: Db, clusterId: number, chunk: SnapshotChunk, now: Date): ChunkOutcome {
  const known = db
    .prepare<{ complete: number; chunks: number }>(
      'SELECT complete, chunks FROM snapshots WHERE cluster_id = ? AND snapshot_id = ?',
    )
    .get(clusterId, chunk.snapshotId);
  if (chunk.index === 0 && chunk.last) {
    storeWhole(db, clusterId, chunk, now, known !== undefined);
    return 'completed';
  }
  if (known !== undefined && chunk.index === 0) {
    restart(db, clusterId, chunk, now);
  } else if (known?.complete === 1) {
    return 'already-complete';
  } else if (chunk.index !== (known?.chunks ?? 0)) {
    db.prepare('DELETE FROM snapshots WHERE cluster_id = ? AND snapshot_id = ?').run(
      clusterId,
      chunk.snapshotId,
    );
    return 'out-of-order';
  }
  if (known === undefined) {
    // A new snapshot abandons one still being staged.
    db.prepare('DELETE FROM snapshots WHERE cluster_id = ? AND complete = 0').run(clusterId);
    db.prepare('INSERT INTO snapshots (cluster_id, snapshot_id, digest, started_at) VALUES (?, ?, ?, ?)').run(
      clusterId,
      chunk.snapshotId,
      chunk.digest,
      ms(now),
    );
  }
  const stage = db.prepare(
    `INSERT OR REPLACE INTO snapshot_staging (cluster_id, snapshot_id, ${RESOURCE_COLUMNS})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const resource of chunk.resources) stage.run(clusterId, chunk.snapshotId, ...resourceValues(resource));
  db.prepare('UPDATE snapshots SET chunks = chunks + 1 WHERE cluster_id = ? AND snapshot_id = ?').run(
    clusterId,
    chunk.snapshotId,
  );
  if (!chunk.last) return 'staged';
  const staged = db
    .prepare<ResourceRow>(
      `SELECT ${RESOURCE_COLUMNS} FROM snapshot_staging WHERE cluster_id = ? AND snapshot_id = ?`,
    )
    .all(clusterId, chunk.snapshotId);
  replaceResources(db, clusterId, staged.map(toResource));
  db.prepare('DELETE FROM snapshot_staging WHERE cluster_id = ? AND snapshot_id = ?').run(
    clusterId,
    chunk.snapshotId,
  );
  db.prepare('DELETE FROM snapshots WHERE cluster_id = ? AND snapshot_id <> ?').run(
    clusterId,
    chunk.snapshotId,
  );
  db.prepare(
    'UPDATE snapshots SET complete = 1, completed_at = ? WHERE cluster_id = ? AND snapshot_id = ?',
  ).run(ms(now), clusterId, chunk.snapshotId);
  return 'completed';
}

/**
 * A snapshot in one chunk: complete at once, in place of every other (the complete one it replaces and
 * any still being staged), with no staging.
 */
function storeWhole(db: Db, clusterId: number, chunk: SnapshotChunk, now: Date, known: boolean): void {
  db.prepare('DELETE FROM snapshots WHERE cluster_id = ? AND snapshot_id <> ?').run(
    clusterId,
    chunk.snapshotId,
  );
  if (known) {
    db.prepare('DELETE FROM snapshot_staging WHERE cluster_id = ? AND snapshot_id = ?').run(
      clusterId,
      chunk.snapshotId,
    );
    db.prepare(
      `UPDATE snapshots SET complete = 1, chunks = 1, digest = ?, started_at = ?, completed_at = ?
       WHERE cluster_id = ? AND snapshot_id = ?`,
    ).run(chunk.digest, ms(now), ms(now), clusterId, chunk.snapshotId);
  } else {
    db.prepare(
      `INSERT INTO snapshots (cluster_id, snapshot_id, digest, complete, chunks, started_at, completed_at)
       VALUES (?, ?, ?, 1, 1, ?, ?)`,
    ).run(clusterId, chunk.snapshotId, chunk.digest, ms(now), ms(now));
  }
  replaceResources(db, clusterId, chunk.resources);
}

/** The stored resources moved without a digest from the agent: the complete snapshot's is unknown now. */
export function forgetDigest(db: Db, clusterId: number): void {
  db.prepare("UPDATE snapshots SET digest = '' WHERE cluster_id = ? AND complete = 1").run(clusterId);
}

/**
 * The agent starts a snapshot over under an id the hub holds: forget what was staged for it (and any
 * other snapshot still being staged), and take it as incomplete. The stored resources stay until its
 * last chunk arrives.
 */
function restart(db: Db, clusterId: number, chunk: SnapshotChunk, now: Date): void {
  db.prepare('DELETE FROM snapshots WHERE cluster_id = ? AND complete = 0 AND snapshot_id <> ?').run(
    clusterId,
    chunk.snapshotId,
  );
  db.prepare('DELETE FROM snapshot_staging WHERE cluster_id = ? AND snapshot_id = ?').run(
    clusterId,
    chunk.snapshotId,
  );
  db.prepare(
    `UPDATE snapshots SET complete = 0, chunks = 0, digest = ?, started_at = ?, completed_at = NULL
     WHERE cluster_id = ? AND snapshot_id = ?`,
  ).run(chunk.digest, ms(now), clusterId, chunk.snapshotId);
}

export function snapshotMethods({ db }: StoreContext): SnapshotMethods {
  return {
    snapshotMeta: (cluster) => {
      const clusterId = clusterIdOf(db, cluster);
      if (clusterId === undefined) return undefined;
      const row = db
        .prepare<{ snapshot_id: string; digest: string; completed_at: number }>(
          'SELECT snapshot_id, digest, completed_at FROM snapshots WHERE cluster_id = ? AND complete = 1',
        )
        .get(clusterId);
      return row === undefined
        ? undefined
        : { snapshotId: row.snapshot_id, digest: row.digest, completedAt: new Date(row.completed_at) };
    },
    snapshotResources: (cluster) => {
      const clusterId = clusterIdOf(db, cluster);
      if (clusterId === undefined) return undefined;
      const complete = db
        .prepare('SELECT 1 FROM snapshots WHERE cluster_id = ? AND complete = 1')
        .get(clusterId);
      if (complete === undefined) return undefined;
      return db
        .prepare<ResourceRow>(
          `SELECT ${RESOURCE_COLUMNS} FROM resources WHERE cluster_id = ?
           ORDER BY api_group, kind, namespace, name`,
        )
        .all(clusterId)
        .map(toResource);
    },
  };
}
