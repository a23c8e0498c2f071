// A cluster's stored resources made equal to a full snapshot, writing only what differs. An agent's
// snapshot mostly repeats what the hub holds (a few objects changed since the last one), and a row
// read costs far less than a row written (a written row is a page in the WAL, then in the database at
// the next checkpoint): so only the new, changed and vanished rows are written. The end state is the
// same as deleting every row and inserting the snapshot.
//
// What differs is found first from the digests of what this connection last stored (row-digests.ts),
// without reading a row. When they cannot tell (none kept since the hub started or since another write,
// or a stored row is not in the snapshot, which a hash cannot name for its DELETE), the stored rows are
// read: SQLite joins each into two strings, its identity and the rest, and the snapshot's resources
// are joined the same way here (NUL between fields, which no Kubernetes name, kind, group, version or
// namespace holds). A health message may hold a NUL: such a resource is always written on that path,
// never compared by its joined text, so no two different rows can pass for the same.
import { RESOURCE_COLUMNS, resourceValues } from './resource-row.ts';
import { digestSnapshot, keepDigests, planWrites, rowDigests } from './row-digests.ts';
import type { Db } from './sqlite.ts';
import type { ResourceRecord } from './types.ts';

export interface ReplaceOutcome {
  readonly written: number;
  readonly deleted: number;
  readonly unchanged: number;
}

const SEP = '\u0000';
/** A stored NULL last_action, joined (no action is this character). */
const NO_ACTION = '\u0001';

/** A stored row's identity (group, kind, namespace, name), joined. */
const IDENTITY_SQL = 'api_group || char(0) || kind || char(0) || namespace || char(0) || name';

/** The stored rows of a cluster: identity and the rest, each joined. */
const STORED_SQL =
  `SELECT ${IDENTITY_SQL}, ` +
  'version || char(0) || health_status || char(0) || health_message || char(0) || ifnull(last_action, char(1)) || char(0) || drifted ' +
  'FROM resources WHERE cluster_id = ?';

const WRITE_SQL = `INSERT OR REPLACE INTO resources (cluster_id, ${RESOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The joined rest of a resource, or undefined when it cannot be compared (a NUL in the message). */
function restOf(resource: ResourceRecord): string | undefined {
  const { ref, health } = resource;
  return health.message.includes(SEP)
    ? undefined
    : `${ref.version}${SEP}${health.status}${SEP}${health.message}${SEP}${resource.lastAction ?? NO_ACTION}${SEP}${resource.drifted ? 1 : 0}`;
}

export function replaceResources(
  db: Db,
  clusterId: number,
  resources: readonly ResourceRecord[],
): ReplaceOutcome {
  const digests = rowDigests(db);
  const snapshot = digestSnapshot(resources);
  const held = snapshot === undefined ? undefined : digests.get(clusterId);
  if (snapshot !== undefined && held !== undefined) {
    const plan = planWrites(held, snapshot);
    if (plan.kind === 'write') {
      const write = db.prepare(WRITE_SQL);
      for (const index of plan.write)
        write.run(clusterId, ...resourceValues(resources[index] as ResourceRecord));
      keepDigests(digests, clusterId, snapshot);
      return { written: plan.write.length, deleted: 0, unchanged: plan.unchanged };
    }
  }
  const outcome = replaceByRows(db, clusterId, resources);
  if (snapshot === undefined) digests.delete(clusterId);
  else keepDigests(digests, clusterId, snapshot);
  return outcome;
}

/** The same, against the stored rows themselves. */
function replaceByRows(db: Db, clusterId: number, resources: readonly ResourceRecord[]): ReplaceOutcome {
  const wanted = new Map<string, ResourceRecord>();
  for (const resource of resources) {
    const { ref } = resource;
    // A ref twice in one snapshot: the later one wins, as a replace would have it.
    wanted.set(`${ref.group}${SEP}${ref.kind}${SEP}${ref.namespace}${SEP}${ref.name}`, resource);
  }
  const stored = db.prepare(STORED_SQL).rows(clusterId) as [string, string][];
  // By the same joined identity (a rare statement: objects that left Git), so that a name holding a NUL,
  // which the protocol lets through, cannot make it fail.
  const remove = db.prepare(`DELETE FROM resources WHERE cluster_id = ? AND ${IDENTITY_SQL} = ?`);
  let deleted = 0;
  let unchanged = 0;
  for (const [key, rest] of stored) {
    const want = wanted.get(key);
    if (want === undefined) {
      remove.run(clusterId, key);
      deleted += 1;
    } else if (restOf(want) === rest) {
      wanted.delete(key);
      unchanged += 1;
    }
  }
  const write = db.prepare(WRITE_SQL);
  for (const resource of wanted.values()) write.run(clusterId, ...resourceValues(resource));
  return { written: wanted.size, deleted, unchanged };
}
