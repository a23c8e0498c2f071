// One subscriber's outbox: what waits to be written to its stream, bounded in items and in bytes. The
// drop rule: an item that would take the queue past either bound is refused, and the caller ends that
// subscriber's stream (its client reconnects and gets a full list). A slow reader is never allowed to
// grow the hub's memory.

export interface QueueLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
}

export interface BoundedQueue<T> {
  /** False, and nothing queued, when the item would take the queue past a bound. */
  push(item: T, bytes: number): boolean;
  /** Takes the oldest items, at least one when any, and no more than maxBytes of them after the first. */
  take(maxBytes: number): T[];
  readonly items: number;
  readonly bytes: number;
  clear(): void;
}

export function createBoundedQueue<T>(limits: QueueLimits): BoundedQueue<T> {
  let queue: { item: T; bytes: number }[] = [];
  let bytes = 0;
  return {
    push: (item, size) => {
      if (queue.length + 1 > limits.maxItems || bytes + size > limits.maxBytes) return false;
      queue.push({ item, bytes: size });
      bytes += size;
      return true;
    },
    take: (maxBytes) => {
      let taken = 0;
      let count = 0;
      for (const entry of queue) {
        if (count > 0 && taken + entry.bytes > maxBytes) break;
        taken += entry.bytes;
        count += 1;
      }
      const items = queue.slice(0, count).map((entry) => entry.item);
      queue = queue.slice(count);
      bytes -= taken;
      return items;
    },
    get items() {
      return queue.length;
    },
    get bytes() {
      return bytes;
    },
    clear: () => {
      queue = [];
      bytes = 0;
    },
  };
}
