// Drift and Events as the hub hears of them. A drift comes from the entry the drift keeper adds to the
// GitSync's status summary (object, `path change` per field, managers, action, time): the object is
// found again in the resource state by its formatted name, and each field gets the managers of the
// entry (the summary keeps them per object, not per field). Events are relayed as recorded.
import { formatRef, type ObjectRef } from '@ferry/shared';
import {
  BOUNDS,
  FIELD_CHANGES,
  type DriftBody,
  type EventBody,
  type FieldChange,
} from '@ferry/shared/protocol';
import type { DriftSummary } from '../gitsync/types.ts';
import type { SyncEvent } from '../runtime/events.ts';
import { cut, type ResourceState } from './resource-state.ts';

export type DriftEntry = DriftSummary['recent'][number];

/** The object a drift entry names, looked up in the state; undefined when the state does not hold it. */
export function refOfEntry(entry: DriftEntry, state: ResourceState | undefined): ObjectRef | undefined {
  for (const summary of state?.values() ?? [])
    if (formatRef(summary.ref) === entry.object) return summary.ref;
  return undefined;
}

export function driftBodyOf(entry: DriftEntry, ref: ObjectRef): DriftBody {
  const managers = entry.managers.slice(0, BOUNDS.managers).map((manager) => cut(manager, BOUNDS.manager));
  const fields = entry.fields.slice(0, BOUNDS.driftFields).flatMap((text) => {
    const space = text.lastIndexOf(' ');
    const change = text.slice(space + 1);
    if (space <= 0 || !isFieldChange(change)) return [];
    const path = cut(text.slice(0, space), BOUNDS.fieldPath);
    return [{ path, change, managers: change === 'changed' ? managers : [] }];
  });
  return { ref, fields, action: entry.action, at: entry.at };
}

export function eventBodyOf(event: SyncEvent, at: Date): EventBody {
  return {
    reason: event.reason,
    type: event.type,
    message: cut(event.message, BOUNDS.message),
    at: at.toISOString(),
  };
}

function isFieldChange(text: string): text is FieldChange {
  return (FIELD_CHANGES as readonly string[]).includes(text);
}
