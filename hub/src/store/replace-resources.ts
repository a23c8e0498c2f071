// A cluster's stored resources made equal to a full snapshot, writing only what differs. An agent's
// snapshot mostly repeats what the hub holds (a few objects changed since the last one), and a row
// read costs far less than a row written (a written row is a page in the WAL, then in the database at
// the next checkpoint): so the stored rows are read, compared, and only the new, changed and vanished
// ones are written. The end state is the same as deleting every row and inserting the snapshot.
//
// Reading is most of the cost (every snapshot reads its cluster's rows), and most of that is making JS
// values: so SQLite joins each row into two strings, its identity and the rest, and the snapshot's
// resources are joined the same way here (NUL between fields, which no Kubernetes name, kind, group,
// version or namespace holds). A health message may hold a NUL: such a resource is always written,
// never compared by its joined text, so no two different rows can pass for the same.
import { RESOURCE_COLUMNS, resourceValues } from './resource-row.ts';
import type { Db, SqlValue } from './sqlite.ts';
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

interface Wanted {
  /** The joined rest, or undefined when it cannot be compared (a NUL in the message): always written. */
  readonly rest: string | undefined;
  readonly values: SqlValue[];
}

function wantedOf(resource: ResourceRecord): Wanted {
  const { ref, health } = resource;
  const rest = health.message.includes(SEP)
    ? undefined
    : `${ref.version}${SEP}${health.status}${SEP}${health.message}${SEP}${resource.lastAction ?? NO_ACTION}${SEP}${resource.drifted ? 1 : 0}`;
  return { rest, values: resourceValues(resource) };
}

export function replaceResources(
  db: Db,
  clusterId: number,
  resources: readonly ResourceRecord[],
): ReplaceOutcome {
  const wanted = new Map<string, Wanted>();
  for (const resource of resources) {
    const { ref } = resource;
    // A ref twice in one snapshot: the later one wins, as a replace would have it.
    wanted.set(`${ref.group}${SEP}${ref.kind}${SEP}${ref.namespace}${SEP}${ref.name}`, wantedOf(resource));
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
    } else if (want.rest === rest) {
      wanted.delete(key);
      unchanged += 1;
    }
  }
  const write = db.prepare(
    `INSERT OR REPLACE INTO resources (cluster_id, ${RESOURCE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { values } of wanted.values()) write.run(clusterId, ...values);
  return { written: wanted.size, deleted, unchanged };
}
