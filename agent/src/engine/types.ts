// The engine's vocabulary: what happened to each object, as typed data (STYLE.md lesson 3).
import type { ObjectRef } from '@ferry/shared';
import type { FieldChange } from './diff.ts';

export const ACTIONS = ['created', 'configured', 'unchanged', 'deleted', 'skipped', 'failed'] as const;
export type Action = (typeof ACTIONS)[number];

export interface ChangeSetEntry {
  readonly ref: ObjectRef;
  readonly action: Action;
  /** file:line of the object in Git, when it came from Git. */
  readonly source?: string;
  /** Why it was skipped or failed; never a Secret value. */
  readonly message?: string;
  /** Fields another field manager lost to Ferry in this apply: manager → field paths. */
  readonly takenFrom?: Readonly<Record<string, readonly string[]>>;
  /** What would change, field by field (`sync --dry-run`); Secret values masked. */
  readonly diff?: readonly FieldChange[];
}

export type ChangeSet = readonly ChangeSetEntry[];
