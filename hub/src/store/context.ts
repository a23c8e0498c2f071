// What every part of the store shares: the database, the bounds, and small conversions between the
// store's records and SQLite's values (times as milliseconds, flags as 0/1, absent as NULL).
import type { Db } from './sqlite.ts';

export interface StoreLimits {
  /** Syncs kept per cluster, newest first. */
  readonly historyPerCluster: number;
  readonly eventsPerCluster: number;
  readonly driftPerCluster: number;
  /** Agent epochs remembered per cluster for (epoch, seq) dedupe; an agent restart starts a new one. */
  readonly epochsPerCluster: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  historyPerCluster: 200,
  eventsPerCluster: 500,
  driftPerCluster: 500,
  epochsPerCluster: 20,
};

export interface StoreContext {
  readonly db: Db;
  readonly limits: StoreLimits;
}

export function ms(date: Date): number {
  return date.getTime();
}

export function msOrNull(date: Date | undefined): number | null {
  return date === undefined ? null : date.getTime();
}

export function dateOrUndefined(value: number | null): Date | undefined {
  return value === null ? undefined : new Date(value);
}

export function orUndefined<T>(value: T | null): T | undefined {
  return value ?? undefined;
}

export function orNull<T>(value: T | undefined): T | null {
  return value ?? null;
}

export function flag(value: boolean): number {
  return value ? 1 : 0;
}

/** The id of a cluster by name, or undefined when there is none. */
export function clusterIdOf(db: Db, name: string): number | undefined {
  return db.prepare<{ id: number }>('SELECT id FROM clusters WHERE name = ?').get(name)?.id;
}
