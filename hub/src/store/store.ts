// The hub's store: one SQLite file, migrated at open, behind one typed interface. Every method is one
// transaction (or one statement); the rest of the hub never sees SQL or better-sqlite3.
import { apiTokenMethods, type ApiTokenMethods } from './api-tokens.ts';
import { batchMethods, type BatchMethods } from './batch.ts';
import {
  startCheckpointer,
  type Checkpointer,
  type CheckpointerOptions,
  type CheckpointerStatus,
} from './checkpointer.ts';
import { forgetRowDigests } from './row-digests.ts';
import { clusterListMethods, type ClusterListMethods } from './cluster-list.ts';
import { clusterMethods, type ClusterMethods } from './clusters.ts';
import { DEFAULT_STORE_LIMITS, type StoreContext, type StoreLimits } from './context.ts';
import { credentialMethods, type CredentialMethods } from './credentials.ts';
import { driftMethods, type DriftMethods } from './drift.ts';
import { enrollmentMethods, type EnrollmentMethods } from './enrollment.ts';
import { eventMethods, type EventMethods } from './events.ts';
import { helloMethods, type HelloMethods } from './hello.ts';
import { historyMethods, type HistoryMethods } from './history.ts';
import { migrate, MIGRATIONS, type Migration, type MigrationOutcome } from './migrations.ts';
import { readinessMethods, type ReadinessMethods } from './readiness.ts';
import { recoveryMethods, type RecoveryMethods } from './recovery.ts';
import { resourceMethods, type ResourceMethods } from './resources.ts';
import { snapshotMethods, type SnapshotMethods } from './snapshots.ts';
import { openDatabase } from './sqlite.ts';

export interface StoreOptions {
  /** The database file; its directory is created if needed (see defaultDbPath()). */
  readonly path: string;
  readonly limits?: Partial<StoreLimits>;
  /** For tests of migrating: the migrations to run instead of MIGRATIONS. */
  readonly migrations?: readonly Migration[];
  /**
   * WAL checkpoints on a worker thread (checkpointer.ts), with these options, or false: SQLite's own,
   * inside the commits, on the main thread. Set onError to hear of a worker that died. 'elsewhere':
   * none here, SQLite's own off too: another connection's checkpointer keeps this file's WAL (the
   * agent channel's ingest thread writes beside the main thread's store).
   */
  readonly checkpointer?: Partial<CheckpointerOptions> | false | 'elsewhere';
}

export interface StoreAdmin {
  readonly path: string;
  /** What opening did to the schema. */
  readonly migration: MigrationOutcome;
  readonly limits: StoreLimits;
  /** The SQLite journal mode in force; the hub always runs in WAL. */
  journalMode(): string;
  /** `PRAGMA integrity_check`: ['ok'] for a sound file, otherwise what is wrong. */
  integrityCheck(): string[];
  /** The highest seq stored for a cluster's agent epoch (0 when none). */
  epochSeq(cluster: string, epoch: string): number;
  /**
   * Resolves once everything committed so far is on the disk, those commits made without waiting for
   * it (applyBatches with durable: false) included; rejects when the disk refused (wal-sync.ts).
   */
  persist(): Promise<void>;
  /** The same, blocking the caller until the disk has it; throws when the disk refused. */
  persistNow(): void;
  /** The checkpoint worker's state and counts; undefined when the store was opened without one. */
  checkpointerStatus(): CheckpointerStatus | undefined;
  /**
   * Another connection (another thread's store on the same file) wrote clusters' rows: the row digests
   * this connection keeps of what it wrote (row-digests.ts) no longer hold, and go.
   */
  forgetRowDigests(): void;
  /** Stops the checkpoint worker, then closes the connection (which checkpoints and removes the WAL). */
  close(): void;
}

export type Store = StoreAdmin &
  ClusterMethods &
  ClusterListMethods &
  HelloMethods &
  RecoveryMethods &
  ReadinessMethods &
  EnrollmentMethods &
  CredentialMethods &
  ApiTokenMethods &
  BatchMethods &
  HistoryMethods &
  ResourceMethods &
  SnapshotMethods &
  DriftMethods &
  EventMethods;

/** Opens (creating and migrating if needed) the hub's database. Throws StoreError for a newer schema. */
export function openStore(options: StoreOptions): Store {
  const checkpointerOptions = options.checkpointer;
  const db = openDatabase(options.path, checkpointerOptions === false ? {} : { autoCheckpointPages: 0 });
  let migration: MigrationOutcome;
  try {
    migration = migrate(db, options.migrations ?? MIGRATIONS);
  } catch (error) {
    db.close();
    throw error;
  }
  let checkpointer: Checkpointer | undefined;
  try {
    checkpointer =
      checkpointerOptions === false || checkpointerOptions === 'elsewhere'
        ? undefined
        : startCheckpointer(db, checkpointerOptions);
  } catch (error) {
    db.close();
    throw error;
  }
  const limits: StoreLimits = { ...DEFAULT_STORE_LIMITS, ...options.limits };
  const context: StoreContext = { db, limits };
  const admin: StoreAdmin = {
    path: options.path,
    migration,
    limits,
    journalMode: () => String(db.pragma('journal_mode')),
    integrityCheck: () =>
      db
        .prepare<{ integrity_check: string }>('PRAGMA integrity_check')
        .all()
        .map((row) => row.integrity_check),
    epochSeq: (cluster, epoch) =>
      db
        .prepare<{ last_seq: number }>(
          `SELECT last_seq FROM agent_epochs JOIN clusters ON clusters.id = cluster_id
           WHERE clusters.name = ? AND epoch = ?`,
        )
        .get(cluster, epoch)?.last_seq ?? 0,
    persist: () => db.persist(),
    persistNow: () => {
      db.persistNow();
    },
    checkpointerStatus: () => checkpointer?.status(),
    forgetRowDigests: () => {
      forgetRowDigests(db);
    },
    close: () => {
      checkpointer?.stop();
      db.close();
    },
  };
  return {
    ...admin,
    ...clusterMethods(context),
    ...clusterListMethods(context),
    ...helloMethods(context),
    ...recoveryMethods(context),
    ...readinessMethods(context),
    ...enrollmentMethods(context),
    ...credentialMethods(context),
    ...apiTokenMethods(context),
    ...batchMethods(context),
    ...historyMethods(context),
    ...resourceMethods(context),
    ...snapshotMethods(context),
    ...driftMethods(context),
    ...eventMethods(context),
  };
}
