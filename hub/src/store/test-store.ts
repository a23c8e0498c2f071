// For the store's tests: a store on a real SQLite file in a fresh temporary directory, and sample records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectRef } from '@ferry/shared';
import { openStore, type Store, type StoreOptions } from './store.ts';
import type { NewCluster, ResourceRecord, SyncRecord } from './types.ts';

export interface TempStore {
  readonly store: Store;
  readonly dir: string;
  readonly path: string;
  /** Closes the store (if open) and removes the directory. */
  readonly cleanup: () => void;
}

export function tempStore(options: Omit<StoreOptions, 'path'> = {}): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-store-'));
  const path = join(dir, 'data', 'hub.db');
  const store = openStore({ ...options, path });
  return {
    store,
    dir,
    path,
    cleanup: () => {
      try {
        store.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const T0 = new Date('2025-01-01T00:00:00Z');

export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function newCluster(name: string, labels: Record<string, string> = {}): NewCluster {
  return {
    name,
    labels,
    repo: 'https://git.example/fleet.git',
    ref: 'main',
    path: `clusters/${name}`,
    targetNamespace: '',
    credentialsSecret: '',
  };
}

export function ref(name: string, kind = 'Deployment', namespace = 'apps'): ObjectRef {
  return { group: kind === 'ConfigMap' ? '' : 'apps', version: 'v1', kind, namespace, name };
}

export function resource(name: string, overrides: Partial<ResourceRecord> = {}): ResourceRecord {
  return {
    ref: ref(name),
    health: { status: 'Current', message: 'available' },
    lastAction: 'unchanged',
    drifted: false,
    ...overrides,
  };
}

export function sync(syncId: string, startedAt: Date, overrides: Partial<SyncRecord> = {}): SyncRecord {
  return {
    syncId,
    revision: `rev-${syncId}`,
    commitTime: new Date(startedAt.getTime() - 5000),
    startedAt,
    durationMs: 1200,
    result: 'applied',
    health: { status: 'Current', message: 'all objects current' },
    counts: { unchanged: 3 },
    errors: [],
    ...overrides,
  };
}
