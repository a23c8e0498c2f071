// Discovery, one group-version at a time, cached; a kind that is not found refreshes its group-version
// (a CRD may just have been established), at most once per refreshMs. A cached group-version is asked
// again after maxAgeMs (a kind removed or changed outside Git is seen within that time, or after a
// failed sync, which invalidates the cache).
import type { ResourceInfo } from './types.ts';

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs?: readonly string[];
}

/** Fetches a discovery document; undefined when the group-version is not served (404). */
export type FetchDiscovery = (path: string) => Promise<{ resources: ApiResource[] } | undefined>;

interface Entry {
  readonly at: number;
  readonly resources: Promise<readonly ResourceInfo[] | undefined>;
}

export class Discovery {
  readonly #fetch: FetchDiscovery;
  readonly #refreshMs: number;
  readonly #maxAgeMs: number;
  readonly #cache = new Map<string, Entry>();

  constructor(fetch: FetchDiscovery, refreshMs = 1_000, maxAgeMs = 10 * 60_000) {
    this.#fetch = fetch;
    this.#refreshMs = refreshMs;
    this.#maxAgeMs = maxAgeMs;
  }

  #cached(group: string, version: string): Entry {
    const entry = this.#cache.get(`${group}/${version}`);
    return entry !== undefined && Date.now() - entry.at < this.#maxAgeMs ? entry : this.#load(group, version);
  }

  invalidate(): void {
    this.#cache.clear();
  }

  #load(group: string, version: string): Entry {
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const entry: Entry = {
      at: Date.now(),
      resources: this.#fetch(path).then((list) =>
        list?.resources
          .filter((resource) => !resource.name.includes('/'))
          .map((resource) => ({
            group,
            version,
            kind: resource.kind,
            resource: resource.name,
            namespaced: resource.namespaced,
            verbs: resource.verbs ?? [],
          })),
      ),
    };
    this.#cache.set(`${group}/${version}`, entry);
    // A failed fetch is not cached: the next call tries again.
    entry.resources.catch(() => this.#cache.delete(`${group}/${version}`));
    return entry;
  }

  /** Every resource of a group-version ([] when it is not served). */
  async resources(group: string, version: string): Promise<readonly ResourceInfo[]> {
    return (await this.#cached(group, version).resources) ?? [];
  }

  async resolve(group: string, version: string, kind: string): Promise<ResourceInfo | undefined> {
    let entry = this.#cached(group, version);
    let found = (await entry.resources)?.find((resource) => resource.kind === kind);
    if (found === undefined && Date.now() - entry.at >= this.#refreshMs) {
      entry = this.#load(group, version);
      found = (await entry.resources)?.find((resource) => resource.kind === kind);
    }
    return found;
  }
}
