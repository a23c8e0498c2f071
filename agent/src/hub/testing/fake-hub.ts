// A small hub for the agent channel's tests, speaking the hub's side with shared's parseAgentFrame and
// serializeHubMessage over a real websocket (and real TLS when given a certificate): enrollment,
// credentials by digest (4401 for an unknown one), hello → welcome → snapshotRequest when its copy's
// digest differs, per-epoch exactly-once storage with cumulative acks, snapshots and deltas applied to
// its own copy. Not the real hub (hub/src/channel); just enough to hold the agent to the contract.
import { createHash } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { refKey } from '@ferry/shared';
import {
  DEFAULT_LIMITS,
  parseAgentFrame,
  serializeHubMessage,
  snapshotDigest,
  type AgentMessage,
  type AgentMessageOf,
  type HubMessage,
  type Limits,
  type ResourceSummary,
} from '@ferry/shared/protocol';
import { WebSocketServer, type WebSocket } from 'ws';

export const AGENT_PATH = '/api/v1/agents/connect';

export interface FakeHubOptions {
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly limits?: Partial<Limits>;
}

export interface Received {
  readonly connection: number;
  readonly message: AgentMessage;
}

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export class FakeHub {
  readonly url: string;
  readonly limits: Limits;
  /** Every frame read, in order, with the connection it came on (1, 2, ...). */
  readonly received: Received[] = [];
  /** Stored messages: each (epoch, seq) at most once. */
  readonly stored: AgentMessage[] = [];
  /** Close codes the agent sent, and the hub's own refusals of its frames. */
  readonly agentCloses: { code: number; reason: string }[] = [];
  readonly enrollments: { token: string; credentialDigest: string }[] = [];
  /** Digests of the credentials the hub takes. */
  readonly credentials = new Set<string>();
  /** Digests the hub will not take again (revoked): enrolling one is `credential-in-use`. */
  readonly revoked = new Set<string>();
  /** One-time tokens and what enrolling with each answers. */
  readonly tokens = new Map<string, 'ok' | 'used' | 'expired' | 'superseded'>();
  /** The resources the hub holds for the cluster, and the snapshot they come from. */
  resources = new Map<string, ResourceSummary>();
  heldSnapshotId: string | undefined;
  heldDigest: string | undefined;
  autoAck = true;
  /** A close code to answer every hello with (4403: the credential is bound to another cluster). */
  refuseHello: number | undefined;
  connections = 0;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  #socket: WebSocket | undefined;
  readonly #marks = new Map<string, number>();
  #staging: { id: string; resources: ResourceSummary[] } | undefined;

  private constructor(server: Server, wss: WebSocketServer, url: string, limits: Limits) {
    this.#server = server;
    this.#wss = wss;
    this.url = url;
    this.limits = limits;
  }

  static async start(options: FakeHubOptions = {}): Promise<FakeHub> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const server = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
      : createHttpServer();
    const wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const hub = new FakeHub(server, wss, `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, limits);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      void hub.#request(request, response);
    });
    server.on('upgrade', (request: IncomingMessage, socket, head) => {
      if (request.url !== AGENT_PATH) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        hub.#accept(ws, request);
      });
    });
    return hub;
  }

  /** Sends a message (or raw text) to the connected agent. */
  send(message: HubMessage | string): void {
    this.#socket?.send(typeof message === 'string' ? message : serializeHubMessage(message));
  }

  /** Closes the agent's connection with a code, as the real hub does. */
  closeAgent(code: number, reason: string): void {
    this.#socket?.close(code, reason);
  }

  /** Drops the agent's connection without a close frame (a network failure). */
  dropAgent(): void {
    this.#socket?.terminate();
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  /** Acks everything stored so far for the epoch (when autoAck is off). */
  ackAll(epoch: string): void {
    const mark = this.#marks.get(epoch);
    if (mark !== undefined && mark > 0) this.send({ v: 1, type: 'ack', body: { epoch, seq: mark } });
  }

  storedOf<T extends AgentMessage['type']>(type: T): AgentMessageOf<T>[] {
    return this.stored.filter((message): message is AgentMessageOf<T> => message.type === type);
  }

  async stop(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  async #request(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/api/v1/enroll') {
      answer(404, { error: { code: 'not-found', message: `no route ${request.url ?? ''}` } });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      token: string;
      credentialDigest: string;
    };
    this.enrollments.push(body);
    const refuse = (reason: string): void => {
      answer(403, {
        error: { code: 'enrollment-refused', reason, message: `enrollment refused: ${reason}` },
      });
    };
    const behaviour = this.tokens.get(body.token);
    if (behaviour === undefined) refuse('unknown');
    else if (behaviour !== 'ok') refuse(behaviour);
    else if (this.revoked.has(body.credentialDigest)) refuse('credential-in-use');
    else {
      this.credentials.add(body.credentialDigest);
      answer(200, { cluster: 'c1' });
    }
  }

  #accept(ws: WebSocket, request: IncomingMessage): void {
    const header = request.headers.authorization ?? '';
    const credential = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // The hub always completes the upgrade, then closes when it refuses.
    if (!this.credentials.has(digest(credential)) || this.revoked.has(digest(credential))) {
      ws.close(4401, 'unknown or revoked credential');
      return;
    }
    this.#socket?.close(4409, 'replaced by a newer connection');
    this.#socket = ws;
    const connection = ++this.connections;
    let welcomed = false;
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : Buffer.from(data as Buffer).toString('utf8');
      const parsed = parseAgentFrame(text, {
        maxFrameBytes: this.limits.maxFrameBytes,
        ...(welcomed ? { version: 1 } : {}),
      });
      if (!parsed.ok) {
        ws.close(parsed.closeCode, parsed.reason);
        return;
      }
      this.received.push({ connection, message: parsed.message });
      if (parsed.message.type === 'hello') {
        welcomed = true;
        this.#hello(parsed.message);
      } else if (parsed.message.type !== 'heartbeat') this.#store(parsed.message);
    });
    ws.on('close', (code, reason) => {
      this.agentCloses.push({ code, reason: reason.toString('utf8') });
      if (this.#socket === ws) this.#socket = undefined;
    });
  }

  #hello(hello: AgentMessageOf<'hello'>): void {
    if (this.refuseHello !== undefined) {
      this.closeAgent(this.refuseHello, 'refused');
      return;
    }
    this.send({ v: 1, type: 'welcome', body: { version: 1, limits: this.limits } });
    if (hello.body.snapshotDigest === undefined || hello.body.snapshotDigest !== this.heldDigest)
      this.send({ v: 1, type: 'snapshotRequest', body: {} });
  }

  #store(message: Exclude<AgentMessage, { type: 'hello' | 'heartbeat' }>): void {
    const mark = this.#marks.get(message.epoch) ?? 0;
    if (message.seq > mark) {
      this.stored.push(message);
      this.#marks.set(message.epoch, message.seq);
      if (message.type === 'snapshot') this.#chunk(message.body);
      if (message.type === 'delta') this.#delta(message.body);
    }
    if (this.autoAck)
      this.send({ v: 1, type: 'ack', body: { epoch: message.epoch, seq: Math.max(mark, message.seq) } });
  }

  #chunk(body: AgentMessageOf<'snapshot'>['body']): void {
    if (body.chunk === 0) this.#staging = { id: body.snapshotId, resources: [] };
    if (this.#staging?.id !== body.snapshotId) return;
    this.#staging.resources.push(...body.resources);
    if (body.chunk !== body.chunks - 1) return;
    this.resources = new Map(this.#staging.resources.map((resource) => [refKey(resource.ref), resource]));
    this.heldSnapshotId = body.snapshotId;
    this.heldDigest = snapshotDigest(this.#staging.resources);
    this.#staging = undefined;
  }

  #delta(body: AgentMessageOf<'delta'>['body']): void {
    if (body.snapshotId !== this.heldSnapshotId) {
      this.send({ v: 1, type: 'snapshotRequest', body: {} });
      return;
    }
    for (const resource of body.upserts) this.resources.set(refKey(resource.ref), resource);
    for (const ref of body.removals) this.resources.delete(refKey(ref));
    this.heldDigest = snapshotDigest([...this.resources.values()]);
  }
}

/** Waits until `check` holds, looking every 10 ms, for at most `timeoutMs`; fails naming `what`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
