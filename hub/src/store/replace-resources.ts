// A cluster's stored resources made equal to a full snapshot, writing only what differs. An agent's
// snapshot mostly repeats what the hub holds (a few objects changed since the last one), and a row
// read costs far less than a row written (a written row is a page in the WAL, then in the database at
// the next checkpoint): so the stored rows are read, compared, and only the new, changed and vanished
// ones are written. The end state is the same as deleting every row and inserting the snapshot.
import { RESOURCE_COLUMNS, resourceValues } from './resource-row.ts';
import type { Db, SqlValue } from './sqlite.ts';
import type { ResourceRecord } from './types.ts';

export interface ReplaceOutcome {
  readonly written: number;
  readonly deleted: number;
  readonly unchanged: number;
}

/** The identity of a resource row: group, kind, namespace and name (the version is not part of it). */
function keyOf(group: string, kind: string, namespace: string, name: string): string {
  return `${group}\u0000${kind}\u0000${namespace}\u0000${name}`;
}

/** Two rows in RESOURCE_COLUMNS order (group, version, kind, namespace, name, health, message, action, drifted). */
function sameRow(row: readonly SqlValue[], values: readonly SqlValue[]): boolean {
  for (let column = 0; column < values.length; column++) if (row[column] !== values[column]) return false;
  return true;
}

export function replaceResources(
  db: Db,
  clusterId: number,
  resources: readonly ResourceRecord[],
): ReplaceOutcome {
  const wanted = new Map<string, SqlValue[]>();
  for (const resource of resources) {
    const { ref } = resource;
    // A ref twice in one snapshot: the later one wins, as a replace would have it.
    wanted.set(keyOf(ref.group, ref.kind, ref.namespace, ref.name), resourceValues(resource));
  }
  // Arrays, not objects: a snapshot reads every row of its cluster, and most of the cost is per row.
  const stored = db.prepare(`SELECT ${RESOURCE_COLUMNS} FROM resources WHERE cluster_id = ?`).rows(clusterId);
  const remove = db.prepare(
    'DELETE FROM resources WHERE cluster_id = ? AND api_group = ? AND kind = ? AND namespace = ? AND name = ?',
  );
  let deleted = 0;
  let unchanged = 0;
  for (const row of stored) {
    const [group, , kind, namespace, name] = row as [string, string, string, string, string];
    const key = keyOf(group, kind, namespace, name);
    const values = wanted.get(key);
    if (values === undefined) {
      remove.run(clusterId, group, kind, namespace, name);
      deleted += 1;
    } else if (sameRow(row, values)) {
      wanted.delete(key);
      unchanged += 1;
    }
  }
  const write = db.prepare(
    `INSERT OR REPLACE INTO resources (cluster_id, ${RESOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const values of wanted.values()) write.run(clusterId, ...values);
  return { written: wanted.size, deleted, unchanged };
}
