// "Visible": the moment a watch of the API server delivers the ConfigMap with the value a run wrote.
// The watch starts without a resourceVersion, so the API server first sends the object as it is
// (ADDED): that event proves the watch is open before the run begins, and no change can be missed or
// seen late. Each event is stamped on arrival, in this process; the same watch delay is in every
// measure, the agent's and the reference's alike.
import { HarnessError, waitFor, type KubeHttp } from '../../test/harness/src/index.ts';

interface ConfigMapView {
  readonly data?: Readonly<Record<string, string>>;
  readonly message?: string;
}

export interface ValueWatch {
  /** data.key as the watch's first event had it. */
  readonly initial: string | undefined;
  /** Waits until an event carries `value`; answers its arrival (ms since the epoch). */
  seen(value: string, timeoutMs: number, onTimeout?: () => string): Promise<number>;
  close(): Promise<void>;
}

/** Opens a watch of ConfigMap `namespace/name` and answers once its first event has arrived. */
export async function watchValue(http: KubeHttp, namespace: string, name: string): Promise<ValueWatch> {
  const object = `ConfigMap/${namespace}/${name}`;
  const arrivals = new Map<string, number>();
  const state: { first: boolean; initial: string | undefined; failure: string | undefined } = {
    first: false,
    initial: undefined,
    failure: undefined,
  };
  const controller = new AbortController();
  const watching = http
    .watch<ConfigMapView>(
      `/api/v1/namespaces/${namespace}/configmaps`,
      { fieldSelector: `metadata.name=${name}` },
      (event) => {
        const now = Date.now();
        if (event.type === 'ERROR') {
          state.failure = event.object.message ?? 'an ERROR event';
          return;
        }
        const value = event.object.data?.key;
        if (!state.first) {
          state.first = true;
          state.initial = value;
        }
        if (value !== undefined && !arrivals.has(value)) arrivals.set(value, now);
      },
      controller.signal,
    )
    .then(
      () => {
        if (!controller.signal.aborted) state.failure ??= 'the API server ended the watch';
      },
      (error: unknown) => {
        state.failure = `the watch failed: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
  const check = (): void => {
    if (state.failure !== undefined) throw new HarnessError('http', `watching ${object}: ${state.failure}`);
  };
  const close = async (): Promise<void> => {
    controller.abort();
    await watching;
  };
  try {
    await waitFor(
      () => {
        check();
        return state.first;
      },
      { what: `the watch of ${object} to deliver the object`, timeoutMs: 30_000, intervalMs: 10 },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    initial: state.initial,
    seen: (value, timeoutMs, onTimeout) =>
      waitFor(
        () => {
          check();
          return arrivals.get(value);
        },
        {
          what: `${object} to hold ${value}`,
          timeoutMs,
          intervalMs: 10,
          ...(onTimeout === undefined ? {} : { onTimeout: () => ({ detail: onTimeout() }) }),
        },
      ),
    close,
  };
}
