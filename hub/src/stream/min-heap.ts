// Binary min-heaps. createMinHeap: items in an array, push and pop in O(log n), the least seen in O(1),
// a rebuild from any items in O(n); the order is the caller's (`before(a, b)`: a comes out first).
// createKeyedMinHeap: keys with one current priority each, on top of it, for the stale timer's crossings.

export interface MinHeap<T> {
  push(item: T): void;
  /** Removes and returns the least item; undefined when empty. */
  pop(): T | undefined;
  /** The least item, left in place; undefined when empty. */
  peek(): T | undefined;
  /** Replaces everything held with these items. */
  reset(items: Iterable<T>): void;
  readonly size: number;
}

export function createMinHeap<T>(before: (a: T, b: T) => boolean): MinHeap<T> {
  let items: T[] = [];

  const swap = (i: number, j: number): void => {
    const held = items[i] as T;
    items[i] = items[j] as T;
    items[j] = held;
  };

  const siftUp = (start: number): void => {
    for (let i = start; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as T, items[parent] as T)) return;
      swap(i, parent);
      i = parent;
    }
  };

  const siftDown = (start: number): void => {
    const n = items.length;
    for (let i = start; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && before(items[left] as T, items[least] as T)) least = left;
      if (right < n && before(items[right] as T, items[least] as T)) least = right;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };

  return {
    push: (item) => {
      items.push(item);
      siftUp(items.length - 1);
    },
    pop: () => {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        siftDown(0);
      }
      return top;
    },
    peek: () => items[0],
    reset: (source) => {
      items = [...source];
      for (let i = (items.length >> 1) - 1; i >= 0; i -= 1) siftDown(i);
    },
    get size() {
      return items.length;
    },
  };
}

/**
 * Keys each with one current priority, the least found in O(log n). Setting a key again does not take
 * its old entry out of the heap: an entry that is no longer its key's priority is dropped when it comes
 * to the top (lazy deletion). So the heap cannot grow without bound, it is rebuilt from the keys once it
 * holds more than twice as many entries as there are keys, plus `slack`.
 */
export interface KeyedMinHeap<K> {
  /** The key's current priority; undefined when it is not held. */
  get(key: K): number | undefined;
  /** Gives the key this priority, replacing any earlier one. */
  set(key: K, priority: number): void;
  delete(key: K): void;
  /** The least current priority; undefined when no key is held. */
  least(): number | undefined;
  /** Removes the keys whose priority is at most `limit` and returns them, least first. */
  popUpTo(limit: number): K[];
  /** Keys held. */
  readonly size: number;
  /** Entries in the heap, outdated ones included: at most 2 · size + slack. */
  readonly entries: number;
}

interface Entry<K> {
  readonly priority: number;
  readonly key: K;
}

/** Outdated entries tolerated beyond twice the keys before the heap is rebuilt. */
export const KEYED_HEAP_SLACK = 64;

export function createKeyedMinHeap<K>(slack = KEYED_HEAP_SLACK): KeyedMinHeap<K> {
  const current = new Map<K, number>();
  const heap = createMinHeap<Entry<K>>((a, b) => a.priority < b.priority);

  const live = (entry: Entry<K>): boolean => current.get(entry.key) === entry.priority;

  const compact = (): void => {
    if (heap.size <= 2 * current.size + slack) return;
    heap.reset(Array.from(current, ([key, priority]) => ({ priority, key })));
  };

  /** The first live entry, the outdated ones above it dropped. */
  const top = (): Entry<K> | undefined => {
    let entry = heap.peek();
    while (entry !== undefined && !live(entry)) {
      heap.pop();
      entry = heap.peek();
    }
    return entry;
  };

  return {
    get: (key) => current.get(key),
    set: (key, priority) => {
      // The same priority again has its entry already.
      if (current.get(key) === priority) return;
      current.set(key, priority);
      heap.push({ priority, key });
      compact();
    },
    delete: (key) => {
      current.delete(key);
      compact();
    },
    least: () => top()?.priority,
    popUpTo: (limit) => {
      const keys: K[] = [];
      for (let entry = top(); entry !== undefined && entry.priority <= limit; entry = top()) {
        heap.pop();
        current.delete(entry.key);
        keys.push(entry.key);
      }
      return keys;
    },
    get size() {
      return current.size;
    },
    get entries() {
      return heap.size;
    },
  };
}
