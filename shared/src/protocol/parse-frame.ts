// Reading a frame from the other side: size, JSON, envelope, version, type, schema, in that order, and
// each refusal turned into the close code to send and a reason that names the field. It never throws:
// whatever arrives, the caller gets a value to act on (close and log), never a crash.
//
// Snapshots and deltas, the hub's bulk of bytes, take a fast path: zod reads the envelope and the body
// with the summaries left unread, then checkResources() (a hand-written twin of resourceSummarySchema)
// reads the summaries without copying them. Whatever either refuses is read again by the full schema,
// so a refusal names the field at fault exactly as before.
import { z } from 'zod';
import {
  AGENT_MESSAGE_TYPES,
  agentMessageSchema,
  deltaBodySchema,
  snapshotBodySchema,
  type AgentMessage,
} from './agent-messages.ts';
import { checkResources } from './check-resources.ts';
import { CLOSE_CODES, truncateBytes, type CloseCode } from './close-codes.ts';
import { describeIssues } from './errors.ts';
import { HUB_MESSAGE_TYPES, hubMessageSchema, type HubMessage } from './hub-messages.ts';
import { frameBytes, PROTOCOL_VERSIONS } from './negotiate.ts';
import { BOUNDS } from './vocabulary.ts';

export interface ParseOptions {
  /** Frames larger than this many bytes of UTF-8 are refused before they are parsed. */
  readonly maxFrameBytes: number;
  /**
   * The version negotiated on this connection; every message but the hello must carry it. Before the
   * welcome, leave it out: any version this build speaks is accepted.
   */
  readonly version?: number | undefined;
}

export type ParsedFrame<M> =
  | { readonly ok: true; readonly message: M }
  | {
      readonly ok: false;
      readonly closeCode: CloseCode;
      /** Fits a close frame (at most 123 bytes); starts with the field at fault. */
      readonly reason: string;
      /** The longer story for the log line: the first few issues, bounded. */
      readonly detail: string;
    };

/** The most the detail of a refusal holds, in bytes: a log line, not a copy of the frame. */
const MAX_DETAIL_BYTES = 1024;

export function parseAgentFrame(text: string, options: ParseOptions): ParsedFrame<AgentMessage> {
  return parseFrame(text, options, AGENT_MESSAGE_TYPES, validateAgentMessage, 'hello');
}

/**
 * parseAgentFrame without the fast path: every field read by zod. The reference that the differential
 * test and bench/check-resources.bench.ts compare with; not for production use.
 */
export function parseAgentFrameByZod(text: string, options: ParseOptions): ParsedFrame<AgentMessage> {
  return parseFrame(text, options, AGENT_MESSAGE_TYPES, validateByZod, 'hello');
}

export function parseHubFrame(text: string, options: ParseOptions): ParsedFrame<HubMessage> {
  return parseFrame(text, options, HUB_MESSAGE_TYPES, validateHubMessage, undefined);
}

/** A frame's JSON value read as a message, or the issues that refuse it. */
type Validated<M> =
  | { readonly ok: true; readonly message: M }
  | { readonly ok: false; readonly issues: readonly z.core.$ZodIssue[] };

type Validate<M> = (value: unknown, type: string) => Validated<M>;

function byZod<M>(schema: z.ZodType<M>): Validate<M> {
  return (value) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? { ok: true, message: parsed.data } : { ok: false, issues: parsed.error.issues };
  };
}

const validateByZod = byZod(agentMessageSchema);
const validateHubMessage = byZod(hubMessageSchema);

/** A message type whose summaries take the fast path: its envelope with them unread, and their field. */
interface FastPath {
  readonly schema: z.ZodType<{ readonly body: Readonly<Record<string, unknown>> }>;
  readonly field: string;
}

/** Summaries as any values, under the same bound on their count as the full schema's. */
const unreadSummaries = z.array(z.unknown()).max(BOUNDS.resources);

/**
 * The full schema's envelope for `type`, with `field` of its body read as `unreadSummaries`: the body's
 * other fields, its strictness and its refinements (snapshot's chunk < chunks) are kept as they are.
 * safeExtend, because extend() refuses to replace a key of a refined object; its types refuse to widen
 * a field, so the body is taken as a plain object schema (the result is only ever checked, not typed).
 */
function fastPath(type: AgentMessage['type'], body: z.ZodObject, field: string): FastPath {
  const envelope = agentMessageSchema.options.find((option) => option.shape.type.value === type);
  if (envelope === undefined) throw new Error(`parse-frame: no ${type} message in agentMessageSchema`);
  return { schema: envelope.extend({ body: body.safeExtend({ [field]: unreadSummaries }) }), field };
}

const FAST_PATHS: ReadonlyMap<string, FastPath> = new Map([
  ['snapshot', fastPath('snapshot', snapshotBodySchema, 'resources')],
  ['delta', fastPath('delta', deltaBodySchema, 'upserts')],
]);

/**
 * Snapshots and deltas by the fast path when it accepts them, in which case the full schema would
 * accept them too and return a deep-equal message (resourceSummarySchema has no default or transform).
 * Everything else, and anything the fast path refuses, by the full schema, for its issues.
 */
function validateAgentMessage(value: unknown, type: string): Validated<AgentMessage> {
  const fast = FAST_PATHS.get(type);
  if (fast !== undefined) {
    const loose = fast.schema.safeParse(value);
    if (loose.success) {
      const items = loose.data.body[fast.field];
      if (Array.isArray(items) && checkResources(items).ok) {
        return { ok: true, message: loose.data as unknown as AgentMessage };
      }
    }
  }
  return validateByZod(value, type);
}

function refuse(closeCode: CloseCode, reason: string, detail = reason): ParsedFrame<never> {
  return {
    ok: false,
    closeCode,
    reason: truncateBytes(reason),
    detail: truncateBytes(detail, MAX_DETAIL_BYTES),
  };
}

function parseFrame<M>(
  text: string,
  options: ParseOptions,
  types: readonly string[],
  validate: Validate<M>,
  anyVersionType: string | undefined,
): ParsedFrame<M> {
  try {
    const size = frameBytes(text);
    if (size > options.maxFrameBytes) {
      return refuse(
        CLOSE_CODES.tooLarge,
        `frame of ${size} bytes is over the limit of ${options.maxFrameBytes} bytes`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return refuse(CLOSE_CODES.malformed, `frame is not JSON: ${why}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return refuse(CLOSE_CODES.malformed, 'frame is not an envelope: expected a JSON object');
    }
    const envelope = value as { readonly v?: unknown; readonly type?: unknown };
    if (typeof envelope.type !== 'string') {
      return refuse(CLOSE_CODES.malformed, 'type: expected string (frame is not an envelope)');
    }
    if (typeof envelope.v !== 'number' || !Number.isSafeInteger(envelope.v)) {
      return refuse(CLOSE_CODES.malformed, 'v: expected integer (frame is not an envelope)');
    }
    if (!types.includes(envelope.type)) {
      const shown = truncateBytes(envelope.type, 40);
      return refuse(
        CLOSE_CODES.invalidMessage,
        `type: unknown message type ${JSON.stringify(shown)}`,
        `type: unknown message type ${JSON.stringify(shown)}; expected one of ${types.join(', ')}`,
      );
    }
    const versionProblem = checkVersion(envelope.v, envelope.type === anyVersionType, options.version);
    if (versionProblem !== undefined) return refuse(CLOSE_CODES.unsupportedVersion, versionProblem);
    const validated = validate(value, envelope.type);
    if (!validated.ok) {
      const issues = describeIssues(validated.issues);
      return refuse(CLOSE_CODES.invalidMessage, issues.first, issues.all);
    }
    return { ok: true, message: validated.message };
  } catch (error) {
    // Not expected (every step above returns), but a frame must never take the process down.
    const why = error instanceof Error ? error.message : String(error);
    return refuse(CLOSE_CODES.invalidMessage, `frame could not be validated: ${why}`);
  }
}

/** Why version `v` is refused, or undefined. The hello is read in any version (its shape is fixed). */
function checkVersion(v: number, anyVersion: boolean, negotiated: number | undefined): string | undefined {
  if (anyVersion) return v >= 1 ? undefined : `v: ${v} is not a protocol version`;
  if (negotiated !== undefined) {
    return v === negotiated ? undefined : `v: version ${v}, but version ${negotiated} was negotiated`;
  }
  return PROTOCOL_VERSIONS.includes(v)
    ? undefined
    : `v: version ${v} is not spoken here (speaks ${PROTOCOL_VERSIONS.join(', ')})`;
}
