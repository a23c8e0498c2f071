// One streaming GET to the hub (the event stream): the bearer token in a header, the body handed on as
// text while it arrives. Resolves once the hub answered 200 (then `done` settles when the stream ends,
// for whatever reason); rejects with the CliError any other answer or no answer gets (hub-client.ts).
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Connection } from './config.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { responseError, unreachable } from './hub-client.ts';

export interface StreamOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  /** No byte for this long (the hub pings every 15 s): the stream is taken as dead. */
  readonly idleTimeoutMs: number;
  readonly onText: (text: string) => void;
}

export interface OpenStream {
  /** Settles when the stream ends: the hub closed it, the connection broke or went idle, or abort. */
  readonly done: Promise<void>;
}

export function openHubStream(
  connection: Connection,
  path: string,
  options: StreamOptions,
): Promise<OpenStream> {
  const what = `GET ${path.split('?')[0] ?? path}`;
  if (connection.token === undefined)
    return Promise.reject(
      new CliError(EXIT.unauthorized, `${what}: no API token; run ferry login, or set FERRY_TOKEN`),
    );
  const url = new URL(`${connection.hub}${path}`);
  const headers = {
    accept: 'text/event-stream',
    'user-agent': 'ferry-cli',
    authorization: `Bearer ${connection.token}`,
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      if (response.statusCode !== 200) {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          reject(unreachable(connection.hub, error));
        });
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          reject(responseError({ status: response.statusCode ?? 0, contentType: '', body }, what));
        });
        return;
      }
      response.setEncoding('utf8');
      const done = new Promise<void>((settle) => {
        const end = (): void => {
          options.signal.removeEventListener('abort', onAbort);
          settle();
        };
        response.on('data', (text: string) => {
          options.onText(text);
        });
        response.on('end', end);
        response.on('error', end);
        response.on('close', end);
      });
      resolve({ done });
    };
    const common = { method: 'GET', headers, timeout: options.idleTimeoutMs };
    const request: ClientRequest =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            { ...common, ...(connection.ca === undefined ? {} : { ca: connection.ca }) },
            onResponse,
          )
        : httpRequest(url, common, onResponse);
    const onAbort = (): void => {
      request.destroy();
    };
    request.on('timeout', () => {
      request.destroy(
        Object.assign(new Error(`no byte within ${options.idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' }),
      );
    });
    request.on('error', (error) => {
      // Before a response: the hub is unreachable. After one, `done` has settled already.
      reject(unreachable(connection.hub, error));
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    request.end();
  });
}
