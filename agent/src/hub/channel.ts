// The agent's link to the hub, for as long as the signal allows: make sure of the credential, connect,
// run a session, and after every close decide what next by its close code. 4401 (unknown or revoked
// credential) with an enrollment token: trade the token for this credential and connect again at once.
// Refusals that waiting will not fix (a refused enrollment, a credential bound to another cluster, no
// common version) back off to the cap; anything else backs off with jitter from 1 s. Nothing here
// touches the sync loop but its `requestSync` hint; the hub being away never stops a sync.
import { type Logger } from '@ferry/shared';
import { CLOSE_CODES, LIMIT_RANGES } from '@ferry/shared/protocol';
import type { KubeApi } from '../kube/index.ts';
import { tlsUntrusted } from '../net-errors.ts';
import { sleep } from '../runtime/watch-loop.ts';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { HUB_SECRET, type HubConfig, type HubConfigResult } from './config.ts';
import { CREDENTIAL_SECRET, credentialDigest, ensureCredential } from './credential.ts';
import { enroll as enrollAtHub, type EnrollResult } from './enroll.ts';
import type { HelloFacts } from './hello-facts.ts';
import { HintLimiter } from './hint-limiter.ts';
import type { HubReporter } from './reporter.ts';
import { Session } from './session.ts';
import { openSocket, type HubSocket, type SocketHandlers, type SocketOptions } from './socket.ts';

export interface ChannelTimeouts {
  /** The websocket upgrade, TLS included. */
  readonly handshakeMs: number;
  /** From the hello to the welcome. */
  readonly welcomeMs: number;
  /** How often the session looks at its clock (heartbeats, a dead link). */
  readonly tickMs: number;
  /** A connection that lasted this long resets the backoff. */
  readonly stableMs: number;
  /** A close handshake on stopping; after this the socket is dropped. */
  readonly closeMs: number;
}

export const DEFAULT_CHANNEL_TIMEOUTS: ChannelTimeouts = {
  handshakeMs: 15_000,
  welcomeMs: 30_000,
  tickMs: 1_000,
  stableMs: 30_000,
  closeMs: 2_000,
};

export interface HubChannelOptions {
  readonly kube: KubeApi;
  readonly namespace: string;
  readonly epoch: string;
  readonly config: HubConfig;
  /** The bootstrap Secret read again (a new one-time token may have been applied since the start). */
  readonly rereadConfig: () => Promise<HubConfigResult>;
  readonly reporter: HubReporter;
  readonly facts: () => Promise<HelloFacts>;
  readonly log: Logger;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly timeouts?: Partial<ChannelTimeouts>;
  /** Tests replace the exchange and the socket. */
  readonly enroll?: (config: HubConfig, token: string, credentialDigest: string) => Promise<EnrollResult>;
  readonly open?: (url: string, options: SocketOptions, handlers: SocketHandlers) => HubSocket;
}

interface Ended {
  readonly code: number;
  readonly reason: string;
  readonly error: Error | undefined;
  readonly welcomed: boolean;
  /** The hub acknowledged at least one of our messages on the connection: it was working. */
  readonly served: boolean;
  readonly lastedMs: number;
  readonly because: string | undefined;
}

export class HubChannel {
  readonly #options: HubChannelOptions;
  readonly #log: Logger;
  readonly #timeouts: ChannelTimeouts;
  readonly #backoff: Backoff;
  readonly #hints = new HintLimiter(10_000);
  #config: HubConfig;
  #credential: string | undefined;
  #seq = 0;
  /** Enrolled since the last welcome: a second 4401 then is no reason to hurry. */
  #enrolled = false;
  #connected = false;

  constructor(options: HubChannelOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#config = options.config;
    this.#timeouts = { ...DEFAULT_CHANNEL_TIMEOUTS, ...options.timeouts };
    this.#backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF, options.random);
  }

  /** Refresh hints dropped by the rate limit. */
  get droppedHints(): number {
    return this.#hints.dropped;
  }

  /** Connects and reconnects until `signal` aborts; `requestSync` is the sync loop's hint. */
  async run(signal: AbortSignal, requestSync: () => void): Promise<void> {
    while (!signal.aborted) {
      const delay = await this.#attempt(signal, requestSync);
      if (delay > 0) await sleep(delay, signal);
    }
  }

  /** One connection and what follows it; answers how long to wait before the next. */
  async #attempt(signal: AbortSignal, requestSync: () => void): Promise<number> {
    let facts: HelloFacts;
    try {
      this.#credential ??= (
        await ensureCredential(this.#options.kube, { namespace: this.#options.namespace })
      ).value;
      facts = await this.#options.facts();
    } catch (error) {
      const retryInMs = this.#backoff.next();
      this.#log.warn(`cannot prepare the hub connection (Secret ${CREDENTIAL_SECRET}, cluster facts)`, {
        error,
        retryInMs,
      });
      return retryInMs;
    }
    const ended = await this.#connect(this.#credential, facts, signal, requestSync);
    if (signal.aborted) return 0;
    // A hub that stored what we sent was working: its restart (a crash, an upgrade) is no reason to wait
    // longer each time. One that welcomes and drops us before storing anything (a crash on our resend,
    // say) must last `stableMs` to count, so the waits keep growing against it.
    if (ended.welcomed && (ended.served || ended.lastedMs >= this.#timeouts.stableMs)) this.#backoff.reset();
    if (ended.code === CLOSE_CODES.unauthorized) return this.#unauthorized();
    return this.#afterClose(ended);
  }

  #connect(
    credential: string,
    facts: HelloFacts,
    signal: AbortSignal,
    requestSync: () => void,
  ): Promise<Ended> {
    const open = this.#options.open ?? openSocket;
    const started = Date.now();
    return new Promise<Ended>((resolve) => {
      let session: Session | undefined;
      let timer: NodeJS.Timeout | undefined;
      let stopping: NodeJS.Timeout | undefined;
      const stop = (): void => {
        socket.close(1000, 'agent stopping');
        stopping = setTimeout(() => {
          socket.terminate();
        }, this.#timeouts.closeMs);
      };
      const socket = open(
        this.#config.channelUrl,
        {
          credential,
          ca: this.#config.ca,
          handshakeTimeoutMs: this.#timeouts.handshakeMs,
          // The negotiated limit is checked by the session, which closes with 4413 above it.
          maxPayloadBytes: LIMIT_RANGES.maxFrameBytes.max + 1024,
        },
        {
          open: () => {
            session = new Session(socket, {
              epoch: this.#options.epoch,
              nextSeq: () => ++this.#seq,
              returnSeq: (seq) => {
                if (seq === this.#seq) this.#seq -= 1;
              },
              hello: facts,
              reporter: this.#options.reporter,
              hints: this.#hints,
              requestSync,
              log: this.#log,
              now: Date.now,
              welcomeTimeoutMs: this.#timeouts.welcomeMs,
            });
            session.opened();
            timer = setInterval(() => {
              session?.tick();
              if (session?.welcomed === true && !this.#connected) this.#welcomed();
            }, this.#timeouts.tickMs);
          },
          text: (text) => {
            session?.received(text);
            if (session?.welcomed === true && !this.#connected) this.#welcomed();
          },
          binary: () => session?.binary(),
          closed: (code, reason, error) => {
            clearInterval(timer);
            clearTimeout(stopping);
            signal.removeEventListener('abort', stop);
            session?.ended();
            this.#connected = false;
            resolve({
              code,
              reason,
              error,
              welcomed: session?.welcomed === true,
              served: (session?.acknowledged ?? 0) > 0,
              lastedMs: Date.now() - started,
              because: session?.endedBecause,
            });
          },
        },
      );
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }

  #welcomed(): void {
    this.#connected = true;
    this.#enrolled = false;
    this.#log.info('connected to the hub', { hub: this.#config.url });
  }

  /** The hub does not know this credential (or revoked it): enroll with the one-time token, if any. */
  async #unauthorized(): Promise<number> {
    const credential = this.#credential;
    if (credential === undefined) return this.#backoff.next();
    const reread = await this.#options.rereadConfig().catch((error: unknown) => {
      this.#log.warn(`reading Secret ${HUB_SECRET} again failed; using what was read at start`, { error });
      return undefined;
    });
    if (reread?.kind === 'configured') this.#config = reread.config;
    const token = this.#config.enrollmentToken;
    if (token === undefined) {
      this.#backoff.toCap();
      const retryInMs = this.#backoff.next();
      this.#log.error(
        `the hub refused this agent's credential (unknown or revoked), and Secret ${HUB_SECRET} holds no enrollmentToken to enroll with`,
        { retryInMs },
      );
      return retryInMs;
    }
    const exchange = this.#options.enroll ?? enrollAtHub;
    let result = await exchange(this.#config, token, credentialDigest(credential));
    if (result.kind === 'refused' && result.reason === 'credential-in-use') {
      // The hub knows this credential but will not take it again (revoked, or bound elsewhere): it is
      // useless, so a new one is made, stored first, and offered instead.
      try {
        this.#credential = (
          await ensureCredential(this.#options.kube, {
            namespace: this.#options.namespace,
            refuse: credential,
          })
        ).value;
      } catch (error) {
        const retryInMs = this.#backoff.next();
        this.#log.warn(`cannot store a new hub credential in Secret ${CREDENTIAL_SECRET}`, {
          error,
          retryInMs,
        });
        return retryInMs;
      }
      this.#log.warn(
        'the hub holds this credential already (revoked or replaced): made a new one to enroll with',
      );
      result = await exchange(this.#config, token, credentialDigest(this.#credential));
    }
    switch (result.kind) {
      case 'enrolled': {
        const again = this.#enrolled;
        this.#enrolled = true;
        this.#log.info('enrolled with the hub', { cluster: result.cluster, hub: this.#config.url });
        return again ? this.#backoff.next() : 0;
      }
      case 'refused': {
        this.#backoff.toCap();
        const retryInMs = this.#backoff.next();
        this.#log.error(`the hub refused the enrollment (${result.reason}): ${result.message}`, {
          reason: result.reason,
          retryInMs,
        });
        return retryInMs;
      }
      case 'failed': {
        const retryInMs = this.#backoff.next();
        this.#log.warn(`enrollment failed: ${result.message}`, { retryInMs });
        return retryInMs;
      }
    }
  }

  #afterClose(ended: Ended): number {
    const fields = {
      closeCode: ended.code,
      reason: ended.reason,
      ...(ended.because !== undefined ? { because: ended.because } : {}),
      ...(ended.error !== undefined ? { error: ended.error.message } : {}),
      ...(tlsUntrusted(ended.error) !== undefined
        ? {
            hint: `the hub's certificate is not trusted: give the CA that signed it as ca.crt in Secret ${HUB_SECRET}`,
          }
        : {}),
    };
    switch (ended.code) {
      case CLOSE_CODES.forbidden:
      case CLOSE_CODES.unsupportedVersion: {
        this.#backoff.toCap();
        const retryInMs = this.#backoff.next();
        const what =
          ended.code === CLOSE_CODES.forbidden
            ? 'the hub refused this cluster: the credential is bound to another cluster'
            : 'the hub speaks no protocol version this agent speaks';
        this.#log.error(what, { ...fields, retryInMs });
        return retryInMs;
      }
      case CLOSE_CODES.shutdown: {
        const retryInMs = this.#backoff.next();
        this.#log.info('the hub closed the connection (shutting down); reconnecting', {
          ...fields,
          retryInMs,
        });
        return retryInMs;
      }
      default: {
        const retryInMs = this.#backoff.next();
        this.#log.warn(ended.welcomed ? 'the connection to the hub ended' : 'cannot connect to the hub', {
          ...fields,
          hub: this.#config.url,
          retryInMs,
        });
        return retryInMs;
      }
    }
  }
}
