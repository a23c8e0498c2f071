// The only agent module that imports `ws`: one outbound websocket to the hub, authenticated with the
// agent's credential in the upgrade's Authorization header, TLS verified (against the hub's CA alone
// when the install manifest gives one; verification is never turned off). Text frames in, text frames
// out; everything about the protocol is the session's business.
import WebSocket from 'ws';

export interface SocketHandlers {
  readonly open: () => void;
  readonly text: (text: string) => void;
  /** A binary frame: the protocol has none. */
  readonly binary: () => void;
  /** Once, at the end; `error` is the last error seen (a refused upgrade, TLS, a reset), if any. */
  readonly closed: (code: number, reason: string, error: Error | undefined) => void;
}

export interface HubSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection at once (a dead link: no close handshake to wait for). */
  terminate(): void;
  /** Bytes queued in this process and not yet written to the network. */
  readonly bufferedAmount: number;
}

export interface SocketOptions {
  readonly credential: string;
  readonly ca: string | undefined;
  readonly handshakeTimeoutMs: number;
  /** Frames larger than this are refused by ws itself (1009); the session checks the negotiated limit. */
  readonly maxPayloadBytes: number;
}

export function openSocket(url: string, options: SocketOptions, handlers: SocketHandlers): HubSocket {
  const socket = new WebSocket(url, {
    headers: { authorization: `Bearer ${options.credential}` },
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    handshakeTimeout: options.handshakeTimeoutMs,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
    followRedirects: false,
  });
  let lastError: Error | undefined;
  socket.on('open', () => {
    handlers.open();
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary) handlers.binary();
    else handlers.text(textOf(data));
  });
  socket.on('error', (error) => {
    lastError = error;
  });
  socket.on('close', (code, reason) => {
    handlers.closed(code, reason.toString('utf8'), lastError);
  });
  return {
    send: (text) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    close: (code, reason) => {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code, reason);
    },
    terminate: () => {
      socket.terminate();
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
  };
}

function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(data).toString('utf8');
}
