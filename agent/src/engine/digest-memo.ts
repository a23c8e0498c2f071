// The digests of the manifests of the last syncs, by a hash of their JSON text: a sync whose manifests
// did not change computes no digest again (the sorted-key text costs several times JSON.stringify, for
// 1,000 unchanged objects). Two generations of at most `capacity` entries each: what the last syncs
// used stays, the rest is dropped; an entry is two short strings, whatever the manifest's size.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.ts';
import { manifestDigest } from './digest.ts';

export const DEFAULT_DIGEST_MEMO_CAPACITY = 5_000;

export class DigestMemo {
  #current = new Map<string, string>();
  #previous = new Map<string, string>();
  readonly #capacity: number;
  readonly #compute: (manifest: KubeObject) => string;

  constructor(capacity = DEFAULT_DIGEST_MEMO_CAPACITY, compute = manifestDigest) {
    this.#capacity = capacity;
    this.#compute = compute;
  }

  /**
   * manifestDigest(manifest). Manifests with the same JSON text have the same digest: JSON drops only
   * undefined values, which parsed YAML and JSON never hold and the API server never receives. (A
   * digest is a hint: an object is unchanged only if its fields also match the live object's.)
   */
  digest(manifest: KubeObject): string {
    const key = createHash('sha1').update(JSON.stringify(manifest)).digest('base64');
    const known = this.#current.get(key) ?? this.#previous.get(key);
    const digest = known ?? this.#compute(manifest);
    if (!this.#current.has(key)) {
      if (this.#current.size >= this.#capacity) {
        this.#previous = this.#current;
        this.#current = new Map();
      }
      this.#current.set(key, digest);
    }
    return digest;
  }
}
