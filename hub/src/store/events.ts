// Events an agent reports (Kubernetes-style: Normal or Warning, a reason, a message), the newest N kept
// per cluster.
import { clusterIdOf, ms, type StoreContext } from './context.ts';
import type { Db } from './sqlite.ts';
import type { EventRecord, EventType } from './types.ts';

export interface EventQuery {
  /** At most this many, newest first (default: all that are kept). */
  readonly limit?: number;
}

export interface EventMethods {
  /** The cluster's events, newest first; empty for an unknown cluster. */
  events(cluster: string, query?: EventQuery): EventRecord[];
}

export function storeEvent(db: Db, clusterId: number, event: EventRecord): void {
  db.prepare('INSERT INTO events (cluster_id, at, type, reason, message) VALUES (?, ?, ?, ?, ?)').run(
    clusterId,
    ms(event.at),
    event.type,
    event.reason,
    event.message,
  );
}

/** Keeps the newest `keep` events of a cluster. */
export function pruneEvents(db: Db, clusterId: number, keep: number): void {
  db.prepare(
    `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE cluster_id = ?
       ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)`,
  ).run(clusterId, keep);
}

export function eventMethods({ db }: StoreContext): EventMethods {
  return {
    events: (cluster, query = {}) => {
      const clusterId = clusterIdOf(db, cluster);
      if (clusterId === undefined) return [];
      return db
        .prepare<{ at: number; type: EventType; reason: string; message: string }>(
          `SELECT at, type, reason, message FROM events WHERE cluster_id = ?
           ORDER BY at DESC, id DESC LIMIT ?`,
        )
        .all(clusterId, query.limit ?? -1)
        .map((row) => ({ at: new Date(row.at), type: row.type, reason: row.reason, message: row.message }));
    },
  };
}
