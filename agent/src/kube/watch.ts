// A watch stream: newline-delimited JSON events from `?watch=1`, parsed and checked one by one. A 410
// Gone arrives as an ERROR event (or as the answer's status); either way the caller gets `gone` and
// must list again rather than re-watch from the same stale resourceVersion.
import { text, type HttpResponse } from '../http-client.ts';
import { httpError, statusMessage } from './errors.ts';
import { KubeError, type KubeObject } from './types.ts';

export const WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

/** Parses one line of a watch stream; throws KubeError for ERROR events and for lines that are not events. */
export function parseWatchLine(what: string, line: string): WatchEvent {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch (error) {
    throw new KubeError('failed', `${what}: the API server sent a line that is not JSON`, { cause: error });
  }
  if (typeof event !== 'object' || event === null || !('type' in event) || !('object' in event))
    throw new KubeError('failed', `${what}: the API server sent an event without type or object`);
  const { type, object } = event;
  if (type === 'ERROR') {
    const code = (object as { code?: unknown } | null)?.code;
    throw httpError(what, typeof code === 'number' ? code : 500, object);
  }
  if (!(WATCH_EVENT_TYPES as readonly unknown[]).includes(type))
    throw new KubeError('failed', `${what}: unknown watch event type ${JSON.stringify(type)}`);
  const metadata = (object as { metadata?: unknown } | null)?.metadata;
  if (typeof metadata !== 'object' || metadata === null)
    throw new KubeError(
      'failed',
      `${what}: a ${String(type)} event without object metadata: ${statusMessage(object)}`,
    );
  return { type: type as WatchEventType, object: object as KubeObject };
}

/** Reads the answer's body line by line; ends when the server closes the watch or the signal aborts. */
export async function* watchEvents(what: string, response: HttpResponse): AsyncGenerator<WatchEvent> {
  if (response.statusCode !== 200) {
    const answer = await text(response.body);
    let body: unknown = answer;
    try {
      body = JSON.parse(answer);
    } catch {
      // keep the text
    }
    throw httpError(what, response.statusCode, body);
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') yield parseWatchLine(what, line);
      newline = buffered.indexOf('\n');
    }
  }
  if (buffered.trim() !== '') yield parseWatchLine(what, buffered.trim());
}
