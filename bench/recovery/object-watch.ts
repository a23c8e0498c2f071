// Watching a fresh cluster fill up: each collection Git's objects live in is listed and watched
// cluster-wide (started before t0, so nothing is missed), and every object Git describes is marked at the
// moment an event shows it as Git says. The time of the last mark is when the cluster held everything.
// Watches, not polls: nothing here takes the CPU the tools under test need.
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor, type KubeHttp, type WatchEvent } from '../../test/harness/src/index.ts';
import { isConnectionFailure } from '../../test/harness/src/kube-http.ts';
import { now } from './clock.ts';
import { holds, objectKey, type ExpectedObject } from './expected.ts';

interface LiveObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
}

interface ListAnswer {
  readonly metadata: { readonly resourceVersion: string };
  readonly items: readonly LiveObject[];
}

/** An ERROR event (410 Gone, say): the watch ends and the collection is listed again. */
class WatchExpired extends Error {
  override readonly name = 'WatchExpired';
}

export interface WatchTally {
  readonly total: number;
  readonly present: number;
  /** When the first and the last object Git describes were seen as Git says (epoch ms). */
  readonly firstAt: number | undefined;
  readonly lastAt: number | undefined;
  /** A few keys not there yet, for a timeout's message. */
  readonly missing: readonly string[];
}

export class ObjectWatch {
  readonly #expected: ReadonlyMap<string, ExpectedObject>;
  readonly #present = new Map<string, number>();
  readonly #stop = new AbortController();
  readonly #loops: Promise<void>[] = [];
  #failure: Error | undefined;
  #firstAt: number | undefined;
  #lastAt: number | undefined;

  private constructor(expected: readonly ExpectedObject[]) {
    this.#expected = new Map(expected.map((object) => [object.key, object]));
  }

  /** Lists every collection once (so the watch is running when this resolves), then keeps watching. */
  static async start(kube: KubeHttp, expected: readonly ExpectedObject[]): Promise<ObjectWatch> {
    const watch = new ObjectWatch(expected);
    const collections = [...new Set(expected.map((object) => object.collection))];
    const listed = await Promise.all(collections.map((collection) => watch.#list(kube, collection)));
    collections.forEach((collection, i) => {
      watch.#loops.push(watch.#follow(kube, collection, listed[i] ?? ''));
    });
    return watch;
  }

  tally(): WatchTally {
    return {
      total: this.#expected.size,
      present: this.#present.size,
      firstAt: this.#firstAt,
      lastAt: this.#lastAt,
      missing: [...this.#expected.keys()].filter((key) => !this.#present.has(key)).slice(0, 5),
    };
  }

  /**
   * Resolves with the time the last object was seen as Git says (epoch ms), once all are. `check` runs
   * on every look and may throw to give up (the agent exited).
   */
  async complete(what: string, timeoutMs: number, check: () => void = () => undefined): Promise<number> {
    return waitFor(
      () => {
        if (this.#failure !== undefined) throw this.#failure;
        check();
        return this.#present.size === this.#expected.size ? this.#lastAt : undefined;
      },
      {
        what,
        timeoutMs,
        intervalMs: 50,
        onTimeout: () => ({ detail: JSON.stringify(this.tally()) }),
      },
    );
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled(this.#loops);
  }

  #see(collection: string, object: LiveObject, deleted: boolean): void {
    const name = object.metadata?.name;
    if (name === undefined) return;
    const key = objectKey(collection, object.metadata?.namespace, name);
    const expected = this.#expected.get(key);
    if (expected === undefined) return;
    if (deleted || !holds(object, expected.want)) {
      this.#present.delete(key);
      return;
    }
    if (this.#present.has(key)) return;
    const at = now();
    this.#present.set(key, at);
    this.#firstAt ??= at;
    this.#lastAt = at;
  }

  /** Lists the collection, marks what it holds, answers the resourceVersion to watch from. */
  async #list(kube: KubeHttp, collection: string): Promise<string> {
    const answer = await kube.get<ListAnswer>(collection);
    for (const item of answer.items) this.#see(collection, item, false);
    return answer.metadata.resourceVersion;
  }

  async #follow(kube: KubeHttp, collection: string, listedAt: string): Promise<void> {
    let resourceVersion = listedAt;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        if (resourceVersion === '') resourceVersion = await this.#list(kube, collection);
        await kube.watch<LiveObject>(
          collection,
          { resourceVersion, allowWatchBookmarks: 'true' },
          (event: WatchEvent<LiveObject>) => {
            if (event.type === 'ERROR')
              throw new WatchExpired(`watch ${collection}: ${JSON.stringify(event)}`);
            resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
            if (event.type !== 'BOOKMARK') this.#see(collection, event.object, event.type === 'DELETED');
          },
          signal,
        );
      } catch (error) {
        // Not `signal`: the loop's test narrowed it.
        if (this.#stop.signal.aborted) return;
        if (!(error instanceof WatchExpired) && !isConnectionFailure(error)) {
          this.#failure = new Error(`watching ${collection} failed`, { cause: error });
          return;
        }
        // List again after a pause: the API server may be restarting.
        resourceVersion = '';
        await delay(100);
      }
    }
  }
}
