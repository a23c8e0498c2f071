// Reading a frame from the other side: size, JSON, envelope, version, type, schema, in that order, and
// each refusal turned into the close code to send and a reason that names the field. It never throws:
// whatever arrives, the caller gets a value to act on (close and log), never a crash.
import type { z } from 'zod';
import { AGENT_MESSAGE_TYPES, agentMessageSchema, type AgentMessage } from './agent-messages.ts';
import { CLOSE_CODES, truncateBytes, type CloseCode } from './close-codes.ts';
import { describeIssues } from './errors.ts';
import { HUB_MESSAGE_TYPES, hubMessageSchema, type HubMessage } from './hub-messages.ts';
import { frameBytes, PROTOCOL_VERSIONS } from './negotiate.ts';

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
  return parseFrame(text, options, AGENT_MESSAGE_TYPES, agentMessageSchema, 'hello');
}

export function parseHubFrame(text: string, options: ParseOptions): ParsedFrame<HubMessage> {
  return parseFrame(text, options, HUB_MESSAGE_TYPES, hubMessageSchema, undefined);
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
  schema: z.ZodType<M>,
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
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues);
      return refuse(CLOSE_CODES.invalidMessage, issues.first, issues.all);
    }
    return { ok: true, message: parsed.data };
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
