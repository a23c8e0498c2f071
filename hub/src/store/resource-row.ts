// A resource as a row (in resources and in snapshot_staging) and back.
import type { HealthStatus, ObjectRef } from '@ferry/shared';
import { flag, orNull, orUndefined } from './context.ts';
import type { SqlValue } from './sqlite.ts';
import type { LastAction, ResourceRecord } from './types.ts';

export interface ResourceRow {
  api_group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  health_status: HealthStatus;
  health_message: string;
  last_action: LastAction | null;
  drifted: number;
}

/** The columns of a resource, in the order resourceValues() gives them. */
export const RESOURCE_COLUMNS =
  'api_group, version, kind, namespace, name, health_status, health_message, last_action, drifted';

export function resourceValues(resource: ResourceRecord): SqlValue[] {
  const { ref } = resource;
  return [
    ref.group,
    ref.version,
    ref.kind,
    ref.namespace,
    ref.name,
    resource.health.status,
    resource.health.message,
    orNull(resource.lastAction),
    flag(resource.drifted),
  ];
}

/** The key columns' values (the version is not part of an object's identity). */
export function refKeyValues(ref: ObjectRef): SqlValue[] {
  return [ref.group, ref.kind, ref.namespace, ref.name];
}

export function toResource(row: ResourceRow): ResourceRecord {
  return {
    ref: {
      group: row.api_group,
      version: row.version,
      kind: row.kind,
      namespace: row.namespace,
      name: row.name,
    },
    health: { status: row.health_status, message: row.health_message },
    lastAction: orUndefined(row.last_action),
    drifted: row.drifted === 1,
  };
}
