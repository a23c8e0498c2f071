// The websocket server of the agent channel (the channel modules are the hub's only importers of ws).
// maxPayload is the welcome's maxFrameBytes, so an oversized frame is refused as its header arrives,
// never buffered whole. ws closes such a link itself with 1009; the socket class below turns the codes
// ws picks for a peer's bad frames into the protocol's own (4413 too large, 4400 not UTF-8 text).
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, truncateBytes } from '@ferry/shared/protocol';
import { WebSocket, WebSocketServer } from 'ws';

/** RFC 6455 codes ws closes with on a peer's bad frame: message too big, invalid payload data. */
const WS_TOO_BIG = 1009;
const WS_INVALID_PAYLOAD = 1007;

export type ChannelServer = WebSocketServer;

const NOT_UTF8 = 'frame is not valid UTF-8 text';

function tooLargeReason(maxFrameBytes: number): string {
  return truncateBytes(`frame over the limit of ${maxFrameBytes} bytes`);
}

export function createSocketServer(maxFrameBytes: number): ChannelServer {
  class ChannelSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      if (code === WS_TOO_BIG) {
        super.close(CLOSE_CODES.tooLarge, tooLargeReason(maxFrameBytes));
      } else if (code === WS_INVALID_PAYLOAD) {
        super.close(CLOSE_CODES.malformed, NOT_UTF8);
      } else {
        super.close(code, data);
      }
    }
  }
  return new WebSocketServer({
    noServer: true,
    maxPayload: maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    WebSocket: ChannelSocket,
  });
}

/** How ws names a peer's bad frame in the error it emits, as the close code it then sent. */
export function closeCodeOfSocketError(
  error: Error,
  maxFrameBytes: number,
): { code: number; reason: string } | undefined {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return { code: CLOSE_CODES.tooLarge, reason: tooLargeReason(maxFrameBytes) };
    case 'WS_ERR_INVALID_UTF8':
      return { code: CLOSE_CODES.malformed, reason: NOT_UTF8 };
    default:
      return typeof code === 'string' && code.startsWith('WS_ERR_')
        ? { code: 1002, reason: `websocket protocol error: ${error.message}` }
        : undefined;
  }
}

/** Answers an upgrade the channel does not take with an HTTP error in the hub's JSON shape, and ends it. */
export function refuseUpgrade(socket: Duplex, status: 404 | 503, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const text = status === 404 ? 'Not Found' : 'Service Unavailable';
  socket.on('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
