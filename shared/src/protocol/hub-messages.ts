// Hub → agent: the envelope `{ v, type, body }` and the body of each message type. None of them can
// change what a cluster runs: there is no URL, ref, path, manifest or command in any of them, and every
// object is strict, so a field that would carry one is refused on both sides.
import { z } from 'zod';
import { bounded, timestampSchema } from './common-schemas.ts';
import { LIMIT_RANGES, PROTOCOL_VERSION, type Limits } from './negotiate.ts';
import { BOUNDS } from './vocabulary.ts';

function limit(range: { readonly min: number; readonly max: number }) {
  return z.int().min(range.min).max(range.max);
}

/** The answer to a hello: the version chosen from `hello.body.protocols` and the limits to hold to. */
export const welcomeBodySchema = z.strictObject({
  version: z.int().positive(),
  limits: z.strictObject({
    maxFrameBytes: limit(LIMIT_RANGES.maxFrameBytes),
    maxUnacked: limit(LIMIT_RANGES.maxUnacked),
    heartbeatSeconds: limit(LIMIT_RANGES.heartbeatSeconds),
    refreshMinIntervalSeconds: limit(LIMIT_RANGES.refreshMinIntervalSeconds),
  }) satisfies z.ZodType<Limits>,
});

/**
 * Cumulative: the hub has stored every message of `epoch` up to and including `seq` that it will ever
 * store, so the agent forgets them all. Hellos and heartbeats are never acked.
 */
export const ackBodySchema = z.strictObject({ epoch: z.uuid(), seq: z.int().positive() });

/** The hub's state differs from the agent's (or it has none): send a full snapshot. */
export const snapshotRequestBodySchema = z.strictObject({});

/**
 * A hint to fetch now (a webhook said the repo moved). It names no URL and no ref: the agent fetches
 * what its own GitSync says, and drops hints that come faster than `refreshMinIntervalSeconds`.
 */
export const refreshBodySchema = z.strictObject({ reason: bounded(BOUNDS.reason) });

export const hubHeartbeatBodySchema = z.strictObject({ at: timestampSchema });

function envelope<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.strictObject({ v: z.literal(PROTOCOL_VERSION), type: z.literal(type), body });
}

export const hubMessageSchema = z.discriminatedUnion('type', [
  envelope('welcome', welcomeBodySchema).refine((message) => message.body.version === message.v, {
    path: ['body', 'version'],
    error: 'must equal the envelope version v',
  }),
  envelope('ack', ackBodySchema),
  envelope('snapshotRequest', snapshotRequestBodySchema),
  envelope('refresh', refreshBodySchema),
  envelope('heartbeat', hubHeartbeatBodySchema),
]);

export type HubMessage = z.infer<typeof hubMessageSchema>;
export type HubMessageType = HubMessage['type'];
export type HubMessageOf<T extends HubMessageType> = Extract<HubMessage, { type: T }>;

export const HUB_MESSAGE_TYPES: readonly HubMessageType[] = [
  'welcome',
  'ack',
  'snapshotRequest',
  'refresh',
  'heartbeat',
];

export type WelcomeBody = HubMessageOf<'welcome'>['body'];
export type AckBody = HubMessageOf<'ack'>['body'];
export type SnapshotRequestBody = HubMessageOf<'snapshotRequest'>['body'];
export type RefreshBody = HubMessageOf<'refresh'>['body'];
