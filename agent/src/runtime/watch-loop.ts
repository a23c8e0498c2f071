// List, then watch from the list's resourceVersion, for as long as the signal allows: the agent's small
// informer. When the server ends a watch (timeoutSeconds) it resumes from the last resourceVersion seen
// (bookmarks included); a 410 Gone means that version is too old, so it lists again rather than
// re-watching from it. Other errors back off (1 s doubling to 30 s, with jitter): never a hot loop.
import {
  KubeError,
  type KubeApi,
  type KubeObject,
  type ResourceInfo,
  type WatchEvent,
} from '../kube/index.ts';

export interface WatchHandler {
  /** A full list: at start and after every 410. */
  readonly onList: (items: readonly KubeObject[]) => void;
  readonly onEvent: (event: WatchEvent) => void;
  /** A failed list or watch (the loop goes on after a pause). */
  readonly onError?: (error: unknown) => void;
}

export interface WatchScope {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Read through a call, so that a check after an `await` is not narrowed away by the one before it. */
export const aborted = (signal: AbortSignal): boolean => signal.aborted;

export const withJitter = (ms: number, fraction = 0.1): number =>
  ms * (1 - fraction + Math.random() * 2 * fraction);

export async function watchLoop(
  kube: KubeApi,
  info: ResourceInfo,
  scope: WatchScope,
  handler: WatchHandler,
  signal: AbortSignal,
): Promise<void> {
  let resourceVersion: string | undefined;
  let backoff = MIN_BACKOFF_MS;
  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined) {
        const listed = await kube.listWithVersion(info, scope);
        resourceVersion = listed.resourceVersion;
        handler.onList(listed.items);
      }
      const started = Date.now();
      let events = 0;
      for await (const event of kube.watch(info, { ...scope, resourceVersion, signal })) {
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
        if (event.type !== 'BOOKMARK') handler.onEvent(event);
        events++;
        backoff = MIN_BACKOFF_MS;
      }
      // A watch that ends at once with nothing in it (a proxy closing it) must not become a hot loop.
      if (events === 0 && Date.now() - started < MIN_BACKOFF_MS) {
        await sleep(withJitter(backoff, 0.2), signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    } catch (error) {
      if (aborted(signal)) return;
      if (error instanceof KubeError && error.code === 'gone') {
        resourceVersion = undefined;
        continue;
      }
      handler.onError?.(error);
      await sleep(withJitter(backoff, 0.2), signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
