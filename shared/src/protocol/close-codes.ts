// The websocket close codes of the agent channel, all in the 4000–4999 range that RFC 6455 leaves to
// applications. Each side closes with one of these and logs the same reason it sends; the numbers echo
// the HTTP status that means the same (4401 ~ 401 Unauthorized, 4413 ~ 413 Content Too Large).

export const CLOSE_CODES = {
  /** The hub shuts down or ends the connection on purpose; the agent reconnects after a pause. */
  shutdown: 4000,
  /** A frame that is not JSON, or not an envelope (an object with a numeric `v` and a string `type`). */
  malformed: 4400,
  /** No credential, or one the hub does not know (or has revoked). */
  unauthorized: 4401,
  /** A valid credential bound to another cluster than the hello's cluster UID. */
  forbidden: 4403,
  /** No protocol version in common, or a message in another version than the one negotiated. */
  unsupportedVersion: 4406,
  /** A newer connection of the same cluster took this one's place. */
  replaced: 4409,
  /** A frame larger than `maxFrameBytes`. */
  tooLarge: 4413,
  /** An envelope whose type is unknown or whose message breaks the schema. */
  invalidMessage: 4422,
  /** More unacked messages than `maxUnacked`, or other misuse of flow control. */
  backpressure: 4429,
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
export type CloseCode = (typeof CLOSE_CODES)[CloseCodeName];

/** One line per code, for logs and docs. */
export const CLOSE_CODE_MEANINGS: { readonly [C in CloseCode]: string } = {
  4000: 'normal shutdown by the hub',
  4400: 'malformed frame: not JSON, or not an envelope',
  4401: 'unauthorized: missing, unknown or revoked credential',
  4403: 'forbidden: the credential is bound to another cluster',
  4406: 'unsupported protocol version',
  4409: 'replaced by a newer connection of the same cluster',
  4413: 'frame too large',
  4422: 'invalid message: unknown type or schema violation',
  4429: 'too many unacked messages (backpressure misuse)',
};

/** The name of a close code received from the peer, or undefined when it is not one of ours. */
export function closeCodeName(code: number): CloseCodeName | undefined {
  for (const [name, value] of Object.entries(CLOSE_CODES) as [CloseCodeName, CloseCode][]) {
    if (value === code) return name;
  }
  return undefined;
}

/** The most a close frame's reason may hold: 125 bytes of payload less the 2-byte code (RFC 6455 §5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

/** `text` cut to fit in `maxBytes` of UTF-8, never inside a character, with `…` when cut. */
export function truncateBytes(text: string, maxBytes: number = MAX_CLOSE_REASON_BYTES): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength('…', 'utf8');
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    out += char;
    used += size;
  }
  return `${out}…`;
}
