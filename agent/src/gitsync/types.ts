// The GitSync custom resource (ferry.dev/v1alpha1): what one agent follows (spec) and what it reports
// (status). One GitSync per agent, in the agent's namespace. The CRD in deploy/agent mirrors these
// types; parse-spec.ts validates a live object against them, naming the field that is wrong.
import type { RefSpec } from '../source/index.ts';

export const GITSYNC_GROUP = 'ferry.dev';
export const GITSYNC_VERSION = 'v1alpha1';
export const GITSYNC_KIND = 'GitSync';
export const GITSYNC_API_VERSION = `${GITSYNC_GROUP}/${GITSYNC_VERSION}`;

/** Changing it (`kubectl annotate --overwrite gitsync/NAME ferry.dev/requested-at="$(date)"`) asks for a sync now. */
export const REQUESTED_AT_ANNOTATION = 'ferry.dev/requested-at';

export const DRIFT_MODES = ['heal', 'report'] as const;
export type DriftMode = (typeof DRIFT_MODES)[number];

/** Fields (JSON pointers) that drift detection ignores, on the objects the selector matches (all when empty). */
export interface IgnoreRule {
  readonly pointers: readonly string[];
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** The spec as the agent uses it: defaults filled in, every field checked. */
export interface GitSyncSpec {
  readonly repo: string;
  readonly ref: RefSpec;
  readonly path: string;
  /** Namespace for namespaced objects that name none. */
  readonly targetNamespace: string;
  readonly intervalMs: number;
  /** A Secret in the agent's namespace: username/password or bearerToken, optionally ca.crt. */
  readonly credentialsSecret: string | undefined;
  readonly prune: {
    readonly enabled: boolean;
    readonly allowEmpty: boolean;
    readonly budget: {
      readonly maxFraction: number;
      readonly minObjects: number;
      readonly maxObjects: number;
    };
    /** The one revision (commit SHA) allowed to exceed the deletion budget. */
    readonly allowedRevision: string | undefined;
  };
  readonly drift: { readonly mode: DriftMode; readonly ignore: readonly IgnoreRule[] };
  readonly suspend: boolean;
}

export const CONDITION_TYPES = ['Ready', 'Reconciling', 'Stalled'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface Condition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  /**
   * Left out when there is nothing to say: Kubernetes 1.20 stores a status patch carrying an empty
   * string in a list item as null and then refuses every later patch of that list.
   */
  readonly message?: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration: number;
}

export const SYNC_HISTORY_LIMIT = 10;

/** One past sync, as status keeps it (the last SYNC_HISTORY_LIMIT). */
export interface SyncRecord {
  readonly revision: string | undefined;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly result: 'applied' | 'failed' | 'prune-blocked';
  readonly created: number;
  readonly configured: number;
  readonly unchanged: number;
  readonly pruned: number;
  readonly failed: number;
  /** Why it failed, short; names the file or object. Left out when the sync succeeded. */
  readonly message?: string;
}

export interface DriftSummary {
  /** Objects found drifted since the agent started. */
  readonly detected: number;
  readonly healed: number;
  readonly lastDetectedAt: string | undefined;
  /** The latest drifted objects (bounded), with who changed what. */
  readonly recent: readonly {
    readonly object: string;
    readonly fields: readonly string[];
    readonly managers: readonly string[];
    readonly at: string;
    readonly action: 'healed' | 'reported' | 'ignored';
  }[];
}

/** What Git could rebuild of the managed namespaces (agent/src/readiness), bounded for status. */
export interface DrReadinessSummary {
  readonly scannedAt: string;
  /** `rebuildable from Git: 42 of 45 objects (2 not in Git, 1 data volume)`. */
  readonly message: string;
  /** How many managed namespaces were scanned. */
  readonly namespaces: number;
  readonly rebuildable: number;
  readonly total: number;
  /** `Kind namespace/name`, at most 10. */
  readonly notInGit: { readonly count: number; readonly items: readonly string[] };
  readonly data: { readonly count: number; readonly items: readonly string[] };
  readonly unknownKinds: readonly string[];
}

/** The last report, and why the last scan failed (`error`, `failedAt`; absent after one that worked). */
export type DrReadinessStatus = Partial<DrReadinessSummary> & {
  readonly error?: string;
  readonly failedAt?: string;
};

export interface GitSyncStatus {
  readonly observedGeneration: number;
  readonly conditions: readonly Condition[];
  readonly lastAttemptedRevision?: string;
  readonly lastAppliedRevision?: string;
  readonly lastAppliedAt?: string;
  readonly lastHandledRequestedAt?: string;
  readonly inventory?: { readonly objects: number; readonly namespaces: number };
  readonly health?: { readonly status: string; readonly message: string };
  readonly history: readonly SyncRecord[];
  readonly drift?: DriftSummary;
  readonly drReadiness?: DrReadinessStatus;
}
