// The fleet as `ferry status --watch` keeps it from the event stream (docs/api.md): `snapshot` starts
// a full list, `cluster` sets one cluster, `cluster-deleted` removes one, `ready` ends the list. Pure:
// events in, what changed out, and the text to print for it.
import type { ClusterJson } from './cluster-json.ts';
import { isClusterJson, isRecord } from './cluster-json.ts';
import { STATUS_HEADERS, STATUS_WIDE_HEADERS, statusRow, type TableWidth } from './format-clusters.ts';
import type { ParsedEvent } from './sse-parser.ts';
import { formatTable } from './table.ts';

export type WatchUpdate =
  /** A full list is complete: everything that differs from the list before it (all of it the first time). */
  | {
      readonly kind: 'list';
      readonly first: boolean;
      readonly changed: readonly ClusterJson[];
      readonly deleted: readonly string[];
    }
  | { readonly kind: 'changed'; readonly cluster: ClusterJson }
  | { readonly kind: 'deleted'; readonly name: string }
  /** Nothing to show yet (inside a list), or an event this CLI does not know. */
  | { readonly kind: 'none' };

export interface FleetWatch {
  apply(event: ParsedEvent): WatchUpdate;
  /** The clusters as last shown, by name. */
  clusters(): ClusterJson[];
}

/** What a change line compares: everything but lastHeardAt (the stream sends no heartbeats). */
const shown = (cluster: ClusterJson): string =>
  JSON.stringify(cluster, (key, value: unknown) => (key === 'lastHeardAt' ? undefined : value));

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

export function createFleetWatch(): FleetWatch {
  let current = new Map<string, ClusterJson>();
  /** The list being received; changes go here too until it is ready. */
  let incoming: Map<string, ClusterJson> | undefined;
  let lists = 0;
  return {
    apply: (event) => {
      const value = parse(event.data);
      switch (event.event) {
        case 'snapshot':
          incoming = new Map();
          return { kind: 'none' };
        case 'cluster': {
          if (!isClusterJson(value)) return { kind: 'none' };
          if (incoming !== undefined) {
            incoming.set(value.name, value);
            return { kind: 'none' };
          }
          current.set(value.name, value);
          return { kind: 'changed', cluster: value };
        }
        case 'cluster-deleted': {
          if (!isRecord(value) || typeof value.name !== 'string') return { kind: 'none' };
          if (incoming !== undefined) {
            incoming.delete(value.name);
            return { kind: 'none' };
          }
          if (!current.delete(value.name)) return { kind: 'none' };
          return { kind: 'deleted', name: value.name };
        }
        case 'ready': {
          if (incoming === undefined) return { kind: 'none' };
          const before = current;
          const after = incoming;
          incoming = undefined;
          current = after;
          lists += 1;
          const changed = [...after.values()].filter((cluster) => {
            const old = before.get(cluster.name);
            return old === undefined || shown(old) !== shown(cluster);
          });
          const deleted = [...before.keys()].filter((name) => !after.has(name));
          return { kind: 'list', first: lists === 1, changed, deleted };
        }
        default:
          return { kind: 'none' };
      }
    },
    clusters: () => [...current.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** A status row as the watch shows it: LAST-HEARD says `connected` while the agent holds its link. */
export function watchRow(cluster: ClusterJson, now: Date, width: TableWidth): string[] {
  const row = statusRow(cluster, now, width);
  if (cluster.connected) row[5] = 'connected';
  return row;
}

export function formatWatchTable(clusters: readonly ClusterJson[], now: Date, width: TableWidth): string {
  if (clusters.length === 0) return 'no clusters\n';
  return formatTable(
    width === 'table' ? STATUS_HEADERS : STATUS_WIDE_HEADERS,
    clusters.map((cluster) => watchRow(cluster, now, width)),
  );
}

/** One line per change, for a pipe: the time, then the row (or the name and `deleted`). */
export function formatChangeLines(update: WatchUpdate, now: Date, width: TableWidth): string {
  const time = now.toISOString();
  const line = (cells: readonly string[]): string => `${[time, ...cells].join('  ')}\n`;
  switch (update.kind) {
    case 'changed':
      return line(watchRow(update.cluster, now, width));
    case 'deleted':
      return line([update.name, 'deleted']);
    case 'list':
      return (
        update.changed.map((cluster) => line(watchRow(cluster, now, width))).join('') +
        update.deleted.map((name) => line([name, 'deleted'])).join('')
      );
    case 'none':
      return '';
  }
}
