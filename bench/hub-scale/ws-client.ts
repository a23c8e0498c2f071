// The websocket client the generator uses: the `ws` package the hub depends on (the bench has no
// dependencies of its own), loaded from the hub's folder, behind the few methods the generator calls.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

export interface ClientSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open', listener: () => void): this;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(
    event: 'unexpected-response',
    listener: (request: unknown, response: { statusCode?: number }) => void,
  ): this;
}

export interface ClientOptions {
  readonly headers: Readonly<Record<string, string>>;
  /** The source address of the TCP connection (127.0.0.x). */
  readonly localAddress: string;
  readonly maxPayload: number;
}

type ClientSocketClass = new (
  url: string,
  options: Record<string, unknown>,
) => ClientSocket & { readonly OPEN: number };

const wsModule = createRequire(join(REPO_ROOT, 'hub', 'package.json'))('ws') as {
  WebSocket: ClientSocketClass;
};

/** WebSocket.OPEN */
export const OPEN = 1;

export function openSocket(url: string, options: ClientOptions): ClientSocket {
  return new wsModule.WebSocket(url, {
    headers: options.headers,
    localAddress: options.localAddress,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    // The hub's frames are small and few; the generator reads them as text with JSON.parse.
    skipUTF8Validation: true,
    handshakeTimeout: 60_000,
  });
}
