// The ServiceAccount token of a process under the in-cluster runner, kept fresh the way the kubelet
// does it: TokenRequest API, written atomically without a trailing newline, renewed at 80% of its life.
import { HarnessError } from './errors.ts';
import { writeAtomically } from './in-cluster-runner-pod.ts';
import type { KubeHttp } from './kube-http.ts';

interface TokenSink {
  readonly file: string;
  readonly audience: string | undefined;
  readonly expirationSeconds: number;
  readonly mode: number;
  /** The token last written to `file`. */
  current?: string;
  timer?: NodeJS.Timeout;
}

interface TokenRequestAnswer {
  readonly status?: { readonly token?: string; readonly expirationTimestamp?: string };
  readonly message?: string;
}

/** Seconds after a failed rotation before the next try. */
const ROTATION_RETRY_MS = 10_000;

/**
 * Keeps ServiceAccount token files fresh the way the kubelet does: a TokenRequest per file, written
 * atomically without a trailing newline, requested again at 80% of the token's lifetime.
 */
export class TokenKeeper {
  readonly #kube: KubeHttp;
  readonly #path: string;
  readonly #what: string;
  readonly #sinks: TokenSink[] = [];
  #stopped = false;
  /** Rotations done by the timers (not counting the first token of each file). */
  rotations = 0;
  /** The last failure of a timer-driven rotation (it is retried), for diagnosis. */
  lastError: string | undefined;

  constructor(kube: KubeHttp, namespace: string, serviceAccount: string) {
    this.#kube = kube;
    this.#path = `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`;
    this.#what = `ServiceAccount/${namespace}/${serviceAccount}`;
  }

  /** Requests a token for `file` now and keeps it fresh until stop(). No audience: the API server's. */
  async add(
    file: string,
    audience: string | undefined,
    expirationSeconds: number,
    mode = 0o644,
  ): Promise<void> {
    const sink: TokenSink = { file, audience, expirationSeconds, mode };
    this.#sinks.push(sink);
    await this.#refresh(sink);
  }

  /**
   * Writes a new token to every file now. A TokenRequest's JWT carries its times in whole seconds, so
   * two requests within one second can answer the same token; the second request then asks for one
   * second more of life, which makes its token differ (`exp`) as a rotation must.
   */
  async rotateAll(): Promise<void> {
    await Promise.all(this.#sinks.map((sink) => this.#refresh(sink, sink.current)));
  }

  stop(): void {
    this.#stopped = true;
    for (const sink of this.#sinks) clearTimeout(sink.timer);
  }

  async #refresh(sink: TokenSink, differentFrom?: string): Promise<void> {
    let token = await this.#request(sink, sink.expirationSeconds);
    if (token.value === differentFrom) token = await this.#request(sink, sink.expirationSeconds + 1);
    if (token.value === differentFrom) {
      throw new HarnessError('http', `TokenRequest for ${this.#what} answered the same token twice`);
    }
    writeAtomically(sink.file, token.value, sink.mode);
    sink.current = token.value;
    this.#schedule(sink, Math.max(1_000, Math.floor(token.lifetimeMs * 0.8)));
  }

  async #request(
    sink: TokenSink,
    expirationSeconds: number,
  ): Promise<{ readonly value: string; readonly lifetimeMs: number }> {
    const spec = {
      expirationSeconds,
      ...(sink.audience !== undefined ? { audiences: [sink.audience] } : {}),
    };
    const answer = await this.#kube.raw<TokenRequestAnswer>('POST', this.#path, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
    });
    const token = answer.body.status?.token;
    if ((answer.status !== 201 && answer.status !== 200) || token === undefined) {
      throw new HarnessError(
        'http',
        `TokenRequest for ${this.#what} answered ${answer.status}: ${answer.body.message ?? JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
    const issued = Date.now();
    const expires = Date.parse(answer.body.status?.expirationTimestamp ?? '');
    const lifetimeMs = Number.isNaN(expires) ? expirationSeconds * 1000 : expires - issued;
    return { value: token, lifetimeMs };
  }

  #schedule(sink: TokenSink, delayMs: number): void {
    clearTimeout(sink.timer);
    if (this.#stopped) return;
    sink.timer = setTimeout(() => {
      this.#refresh(sink).then(
        () => {
          this.rotations += 1;
        },
        (error: unknown) => {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.#schedule(sink, ROTATION_RETRY_MS);
        },
      );
    }, delayMs);
    sink.timer.unref();
  }
}
