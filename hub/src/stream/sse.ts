// Server-sent events framing (the WHATWG `text/event-stream` format): one event is an optional `id:`
// line, an optional `event:` line and one `data:` line per line of its data, ended by a blank line; a
// comment line starts with a colon and is ignored by clients (heartbeats). Pure: text in, text out.

export interface SseEvent {
  /** The event's id; the client sends the last one back as Last-Event-ID when it reconnects. */
  readonly id?: string;
  /** The event's type; absent: `message`. */
  readonly event?: string;
  /** Any text: each of its lines becomes one `data:` line, and the client joins them back with \n. */
  readonly data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** A field value that must stay on one line (id, event): a line break in it is a bug of the caller. */
function oneLine(field: 'id' | 'event', value: string): string {
  if (LINE_BREAK.test(value)) throw new RangeError(`SSE ${field}: must not contain a line break`);
  if (field === 'id' && value.includes('\0')) throw new RangeError('SSE id: must not contain NUL');
  return value;
}

/** One event, framed, ending with the blank line that dispatches it. */
export function formatSseEvent(event: SseEvent): string {
  let text = '';
  if (event.id !== undefined) text += `id: ${oneLine('id', event.id)}\n`;
  if (event.event !== undefined) text += `event: ${oneLine('event', event.event)}\n`;
  for (const line of event.data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A comment (`: ping`): keeps proxies from closing an idle stream; clients ignore it. */
export function formatSseComment(comment: string): string {
  return `${comment
    .split(LINE_BREAK)
    .map((line) => `: ${line}\n`)
    .join('')}\n`;
}
