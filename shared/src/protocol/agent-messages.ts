// Agent → hub: the envelope `{ v, type, epoch, seq, body }` and the body of each message type. Each
// agent process starts a new epoch (a UUID); seq counts the messages of that epoch from 1 (the first
// hello), one more per message. See docs/protocol.md for when each is sent.
import { z } from 'zod';
import {
  bounded,
  countSchema,
  digestSchema,
  healthStatusSchema,
  idSchema,
  objectRefSchema,
  repoSchema,
  resourceSummarySchema,
  timestampSchema,
} from './common-schemas.ts';
import { PROTOCOL_VERSION } from './negotiate.ts';
import {
  BOUNDS,
  CHANGE_ACTIONS,
  DRIFT_OUTCOMES,
  EVENT_TYPES,
  FIELD_CHANGES,
  SYNC_RESULTS,
  SYNC_STEPS,
} from './vocabulary.ts';

/**
 * The hello opens every connection and never changes shape between versions, so a hub reads the hello
 * of any agent, older or newer, and can answer it (with welcome, or with `unsupportedVersion`). It
 * carries no credential: that goes in the HTTP upgrade's Authorization header.
 */
export const helloBodySchema = z.strictObject({
  /** The UID of the cluster's kube-system namespace: it names the cluster for as long as it lives. */
  clusterUid: z.guid(),
  agentVersion: bounded(BOUNDS.version, 1),
  kubernetesVersion: bounded(BOUNDS.version, 1),
  source: z.strictObject({
    repo: repoSchema,
    ref: bounded(BOUNDS.gitRef, 1),
    path: bounded(BOUNDS.path),
  }),
  /** Every protocol version the agent speaks. */
  protocols: z.array(z.int().positive()).min(1).max(BOUNDS.protocols),
  /** The digest of the agent's current resource state, when it has one (after a reconnect). */
  snapshotDigest: digestSchema.optional(),
});

export const heartbeatBodySchema = z.strictObject({ at: timestampSchema });

export const syncReportBodySchema = z.strictObject({
  /** Made by the agent, unique per sync: a resent report is recognised by it. */
  syncId: idSchema,
  /** The commit applied; absent when the fetch failed. */
  revision: bounded(BOUNDS.revision, 1).optional(),
  /** The commit's committer time: the hub measures commit-to-applied lag from it. */
  commitTime: timestampSchema.optional(),
  startedAt: timestampSchema,
  durationMs: countSchema,
  result: z.enum(SYNC_RESULTS),
  health: z.strictObject({ status: healthStatusSchema, message: bounded(BOUNDS.healthMessage) }),
  counts: z.strictObject({
    created: countSchema,
    configured: countSchema,
    unchanged: countSchema,
    deleted: countSchema,
    failed: countSchema,
  }),
  errors: z.array(bounded(BOUNDS.error)).max(BOUNDS.errors),
  /** The ChangeSet summary: every object whose action was not `unchanged`, up to BOUNDS.changes. */
  changes: z
    .array(z.strictObject({ ref: objectRefSchema, action: z.enum(CHANGE_ACTIONS) }))
    .max(BOUNDS.changes),
  /** Milliseconds per step that ran. */
  timings: z.partialRecord(z.enum(SYNC_STEPS), countSchema),
});

/** One chunk of a full snapshot; chunks are numbered from 0 and all carry the same id and digest. */
export const snapshotBodySchema = z
  .strictObject({
    snapshotId: idSchema,
    /** The digest of the whole snapshot (every chunk), as snapshotDigest() computes it. */
    digest: digestSchema,
    chunk: countSchema,
    chunks: z.int().min(1).max(BOUNDS.chunks),
    resources: z.array(resourceSummarySchema).max(BOUNDS.resources),
  })
  .refine((body) => body.chunk < body.chunks, { path: ['chunk'], error: 'must be less than chunks' });

/** Changes since the snapshot `snapshotId` (and the deltas on it before this one). */
export const deltaBodySchema = z.strictObject({
  snapshotId: idSchema,
  /** Whole summaries, replacing any stored for the same refKey. */
  upserts: z.array(resourceSummarySchema).max(BOUNDS.resources),
  removals: z.array(objectRefSchema).max(BOUNDS.resources),
  /** snapshotDigest() of the agent's whole state once this delta is applied, when it computed it. */
  digest: digestSchema.optional(),
});

export const driftBodySchema = z.strictObject({
  ref: objectRefSchema,
  /** Which of Ferry's fields moved and who moved them; never a value. Empty when the object is gone. */
  fields: z
    .array(
      z.strictObject({
        path: bounded(BOUNDS.fieldPath, 1),
        change: z.enum(FIELD_CHANGES),
        managers: z.array(bounded(BOUNDS.manager, 1)).max(BOUNDS.managers),
      }),
    )
    .max(BOUNDS.driftFields),
  action: z.enum(DRIFT_OUTCOMES),
  at: timestampSchema,
});

/** A Kubernetes Event the agent recorded about its GitSync, relayed. */
export const eventBodySchema = z.strictObject({
  reason: bounded(BOUNDS.reason, 1).regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected an UpperCamelCase word'),
  type: z.enum(EVENT_TYPES),
  message: bounded(BOUNDS.message),
  at: timestampSchema,
});

/**
 * DR readiness: of the objects in the agent's managed namespaces (what Kubernetes makes by itself
 * aside), how many Git describes (rebuildable), which it does not, which are data Git cannot rebuild
 * (PersistentVolumeClaims of StatefulSets), and the kinds the agent may not list (unknown). Lists are
 * bounded; their counts are not.
 */
export const readinessBodySchema = z.strictObject({
  scannedAt: timestampSchema,
  rebuildable: countSchema,
  total: countSchema,
  notInGit: z.strictObject({
    count: countSchema,
    items: z.array(objectRefSchema).max(BOUNDS.readinessItems),
  }),
  data: z.strictObject({
    count: countSchema,
    items: z.array(objectRefSchema).max(BOUNDS.readinessItems),
  }),
  unknownKinds: z.array(bounded(BOUNDS.kindName, 1)).max(BOUNDS.readinessItems),
});

function envelope<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.strictObject({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal(type),
    epoch: z.uuid(),
    seq: z.int().positive(),
    body,
  });
}

/** Any positive version: the hello is the same in every version (see helloBodySchema). */
const helloSchema = envelope('hello', helloBodySchema).extend({ v: z.int().positive() });

export const agentMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  envelope('heartbeat', heartbeatBodySchema),
  envelope('syncReport', syncReportBodySchema),
  envelope('snapshot', snapshotBodySchema),
  envelope('delta', deltaBodySchema),
  envelope('drift', driftBodySchema),
  envelope('event', eventBodySchema),
  envelope('readiness', readinessBodySchema),
]);

export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type AgentMessageType = AgentMessage['type'];
export type AgentMessageOf<T extends AgentMessageType> = Extract<AgentMessage, { type: T }>;

export const AGENT_MESSAGE_TYPES: readonly AgentMessageType[] = [
  'hello',
  'heartbeat',
  'syncReport',
  'snapshot',
  'delta',
  'drift',
  'event',
  'readiness',
];

export type HelloBody = AgentMessageOf<'hello'>['body'];
export type HeartbeatBody = AgentMessageOf<'heartbeat'>['body'];
export type SyncReportBody = AgentMessageOf<'syncReport'>['body'];
export type SnapshotBody = AgentMessageOf<'snapshot'>['body'];
export type DeltaBody = AgentMessageOf<'delta'>['body'];
export type DriftBody = AgentMessageOf<'drift'>['body'];
export type EventBody = AgentMessageOf<'event'>['body'];
export type ReadinessBody = AgentMessageOf<'readiness'>['body'];
