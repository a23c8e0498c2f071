// Reading a text/event-stream as it arrives (the WHATWG rules): lines end in \n, \r\n or \r (also split
// across chunks); `field: value` lines build an event and a blank line dispatches it; comment lines
// (`: ping`) are ignored; the last `id:` seen is kept for Last-Event-ID. Pure: text in, events out.

export interface ParsedEvent {
  /** `message` unless an `event:` line said otherwise. */
  readonly event: string;
  readonly data: string;
  /** The last event id the stream has set, as of this event (undefined: none yet). */
  readonly lastEventId: string | undefined;
}

export interface SseParser {
  /** Feeds text; returns the events it completed. */
  push(text: string): ParsedEvent[];
  /** The last event id set so far (what to send as Last-Event-ID on a reconnect). */
  readonly lastEventId: string | undefined;
}

export function createSseParser(initialLastEventId?: string): SseParser {
  let buffer = '';
  /** The previous chunk ended in \r: a \n starting the next one belongs to that line break. */
  let skipLf = false;
  let lastEventId = initialLastEventId;
  let eventType = '';
  let data: string[] = [];

  const line = (text: string, out: ParsedEvent[]): void => {
    if (text === '') {
      if (data.length > 0)
        out.push({ event: eventType === '' ? 'message' : eventType, data: data.join('\n'), lastEventId });
      data = [];
      eventType = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
  };

  return {
    push: (text) => {
      const out: ParsedEvent[] = [];
      let chunk = text;
      if (skipLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
      skipLf = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const char = buffer[i];
        if (char !== '\n' && char !== '\r') continue;
        line(buffer.slice(start, i), out);
        if (char === '\r') {
          if (i + 1 === buffer.length) skipLf = true;
          else if (buffer[i + 1] === '\n') i += 1;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
