// The protocol's own tables of words: what a sync ended in, what happened to an object, which steps a
// sync times, what came of a drift, what kind of Event. They are declared here, not imported from the
// agent (shared depends on nothing of ours), and must match the agent's tables they mirror:
// agent/src/sync.ts SYNC_RESULTS and SyncStep, agent/src/engine/types.ts ACTIONS,
// agent/src/drift/types.ts FIELD_CHANGES. The hub only ever sees these words.

/** How a sync ended. The agent's dry-run result `planned` never goes to the hub. */
export const SYNC_RESULTS = ['applied', 'failed', 'prune-blocked'] as const;
export type SyncResult = (typeof SYNC_RESULTS)[number];

/** What a sync did to one object (the ChangeSet vocabulary, as agent/src/engine/types.ts ACTIONS). */
export const OBJECT_ACTIONS = ['created', 'configured', 'unchanged', 'deleted', 'skipped', 'failed'] as const;
export type ObjectAction = (typeof OBJECT_ACTIONS)[number];

/** The actions a syncReport lists one by one: everything but `unchanged`, which is only counted. */
export const CHANGE_ACTIONS = ['created', 'configured', 'deleted', 'skipped', 'failed'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** The steps of one sync whose milliseconds a syncReport carries (agent/src/sync.ts SyncStep). */
export const SYNC_STEPS = ['fetch', 'render', 'resolve', 'inventory', 'apply', 'prune'] as const;
export type SyncStep = (typeof SYNC_STEPS)[number];

/**
 * What came of a drift: `healed` (Ferry applied its fields again), `reported` (seen and left alone, as
 * the agent's mode asks), `ignored` (the object opts out with the `ferry.dev/drift: ignore` annotation).
 */
export const DRIFT_OUTCOMES = ['healed', 'reported', 'ignored'] as const;
export type DriftOutcome = (typeof DRIFT_OUTCOMES)[number];

/**
 * How one of Ferry's fields drifted (agent/src/drift/types.ts FIELD_CHANGES): `changed` by another
 * manager (named in `managers`), `removed` from the object, or `unrecorded` (a new value that no
 * manager owns, such as a write through /scale on Kubernetes 1.20).
 */
export const FIELD_CHANGES = ['changed', 'removed', 'unrecorded'] as const;
export type FieldChange = (typeof FIELD_CHANGES)[number];

/** The two types of a Kubernetes Event. */
export const EVENT_TYPES = ['Normal', 'Warning'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Every string and list on the wire is bounded; these are the bounds, in characters or items. Object
 * names follow Kubernetes' own limits (a DNS subdomain is at most 253 characters).
 */
export const BOUNDS = {
  /** ObjectRef: group and name are DNS subdomains; version, kind and namespace are shorter. */
  refLong: 253,
  refShort: 63,
  /** A resource's health message, a syncReport's health message. */
  healthMessage: 256,
  /** syncReport.errors: how many, and how long each. */
  errors: 20,
  error: 512,
  /** syncReport.changes: only the objects that did not stay unchanged. */
  changes: 500,
  /** Ids the agent makes (syncId, snapshotId) and digests. */
  id: 128,
  /** A commit SHA or other revision name. */
  revision: 128,
  /** Versions of the agent and of Kubernetes (`v1.30.2+k3s1`). */
  version: 64,
  /** The source the agent follows. */
  repo: 2048,
  gitRef: 256,
  path: 1024,
  /** hello.protocols */
  protocols: 16,
  /** drift.fields, the length of one field path, drift managers and one manager's name. */
  driftFields: 100,
  fieldPath: 512,
  managers: 16,
  manager: 128,
  /** readiness: refs listed per list (not in Git, data), unknown kinds, and one kind's name. */
  readinessItems: 50,
  kindName: 512,
  /** An Event's reason and message; a refresh hint's reason. */
  reason: 128,
  message: 1024,
  /** Resources in one snapshot chunk or delta (the frame size bounds them first, in practice). */
  resources: 10_000,
  /** Chunks in one snapshot. */
  chunks: 100_000,
} as const;
