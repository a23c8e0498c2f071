// The protocol's one error class: thrown when our own side is about to write a frame that the other
// side would refuse (a bug, which must never reach the wire), or asked to do what cannot be done (a
// snapshot resource too large for any chunk).
import type { z } from 'zod';

export const PROTOCOL_ERROR_CODES = ['invalid-message', 'frame-too-large'] as const;
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** The field at fault (`body.counts.created`), or '' for the frame as a whole. */
  readonly path: string;

  constructor(code: ProtocolErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}

/** `body.changes[3].ref.name`: a zod issue path as a reader writes it. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** One issue as `path: what is wrong`; an unknown key is named as the field it would have been. */
export function describeIssue(issue: z.core.$ZodIssue): { path: string; text: string } {
  if (issue.code === 'unrecognized_keys') {
    const path = formatPath([...issue.path, ...issue.keys.slice(0, 1)]);
    const more = issue.keys.length > 1 ? ` (also unknown: ${issue.keys.slice(1).join(', ')})` : '';
    return { path, text: `${path}: unknown field${more}` };
  }
  const path = formatPath(issue.path);
  const message = issue.message.replace(/^Invalid input: /, '');
  return { path, text: `${path === '' ? '(frame)' : path}: ${message}` };
}

/** The first issue and a line with the first few, for the close reason and the log line. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): {
  path: string;
  first: string;
  all: string;
} {
  const described = issues.map(describeIssue);
  const head = described[0] ?? { path: '', text: '(frame): invalid' };
  const shown = described.slice(0, 5).map((issue) => issue.text);
  const rest = described.length > 5 ? `; and ${described.length - 5} more` : '';
  return { path: head.path, first: head.text, all: shown.join('; ') + rest };
}
