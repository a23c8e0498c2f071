// Parsed files kept between syncs by the long-running agent: a file whose path and content are the same
// as last time is not parsed again. Bounded; the oldest entries go first. Parsed documents are never
// mutated (render clones before normalising), so sharing them is safe.
import { createHash } from 'node:crypto';
import type { ParsedFile } from './parse-yaml.ts';

export class ParseCache {
  readonly #entries = new Map<string, ParsedFile>();
  readonly #capacity: number;

  constructor(capacity = 20_000) {
    this.#capacity = capacity;
  }

  key(path: string, content: Uint8Array): string {
    return `${path}\0${createHash('sha1').update(content).digest('hex')}`;
  }

  get(key: string): ParsedFile | undefined {
    return this.#entries.get(key);
  }

  set(key: string, parsed: ParsedFile): void {
    this.#entries.delete(key);
    this.#entries.set(key, parsed);
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
