// Writing a frame: the message is validated against the same schema the other side reads it with, and
// a message that would be refused throws a ProtocolError naming the field, so a bug on our side never
// puts an invalid frame on the wire. With `maxFrameBytes`, an oversized frame throws too.
import type { z } from 'zod';
import { agentMessageSchema, type AgentMessage } from './agent-messages.ts';
import { describeIssues, ProtocolError } from './errors.ts';
import { hubMessageSchema, type HubMessage } from './hub-messages.ts';
import { frameBytes } from './negotiate.ts';

export interface SerializeOptions {
  /** When given, a frame over this many bytes of UTF-8 throws `frame-too-large`. */
  readonly maxFrameBytes?: number | undefined;
}

export function serializeAgentMessage(message: AgentMessage, options: SerializeOptions = {}): string {
  return serialize(agentMessageSchema, message, options);
}

export function serializeHubMessage(message: HubMessage, options: SerializeOptions = {}): string {
  return serialize(hubMessageSchema, message, options);
}

function serialize<M>(schema: z.ZodType<M>, message: M, options: SerializeOptions): string {
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error.issues);
    throw new ProtocolError(
      'invalid-message',
      issues.path,
      `refusing to send an invalid message: ${issues.all}`,
      {
        cause: parsed.error,
      },
    );
  }
  // The validated copy: exactly the fields the schema knows, in its order.
  const text = JSON.stringify(parsed.data);
  const max = options.maxFrameBytes;
  if (max !== undefined) {
    const size = frameBytes(text);
    if (size > max) {
      throw new ProtocolError(
        'frame-too-large',
        '',
        `frame of ${size} bytes is over the limit of ${max} bytes`,
      );
    }
  }
  return text;
}
