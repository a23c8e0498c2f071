// Reading agents' frames in slices. A poll of the event loop can hand the hub a thousand sockets'
// data at once; parsing and queueing every frame there (a 200-resource snapshot is ~0.3 ms) holds an
// API request that came in the same poll behind all of them. Frames are taken off the socket at once
// and their work runs here, in arrival order (so each link's frames stay in order), in slices of about
// sliceMs between which the loop takes its I/O. What waits here counts as pressure: above highWaterBytes
// the channel stops reading the links that send, and onBelow() says when it is back under half.
//
// A frame's work makes what the commit queue holds on the heap until its commit (a parsed snapshot is
// thousands of objects, copied by every scavenge it lives through, promoted after two): while canRun()
// says no (the queue holds two commits' worth), frames wait here as they came, Buffers off the heap, and
// resume() (after the next commit) takes them up again.

export interface FrameSchedulerOptions {
  /** How long one slice may run before the loop gets its turn, ms. */
  readonly sliceMs: number;
  /** Bytes of frames waiting above which the scheduler is over its mark. */
  readonly highWaterBytes: number;
  /** Back under half of highWaterBytes after having been over it. */
  readonly onBelow: () => void;
  /** A work item threw (a bug in it): told here, and the frames behind it still run. */
  readonly onError: (error: unknown) => void;
  /** Whether the work may run now (default: always); when not, it waits for resume(). */
  readonly canRun?: () => boolean;
  /** The clock, ms (performance.now by default). */
  readonly now?: () => number;
  /** How the next slice is scheduled (setImmediate by default: after the loop's I/O). */
  readonly later?: (run: () => void) => void;
}

export interface FrameScheduler {
  /** Runs work later, after the work deferred before it; `bytes` is the size of the frame it reads. */
  defer(work: () => void, bytes: number): void;
  /** Runs everything waiting, now, canRun() or not (shutdown). */
  drain(): void;
  /** canRun() may say yes again: go on with what waits. */
  resume(): void;
  /** Over highWaterBytes (and not yet back under half of it). */
  readonly high: boolean;
  readonly bytes: number;
  readonly pending: number;
}

interface Item {
  readonly work: () => void;
  readonly bytes: number;
}

export function createFrameScheduler(options: FrameSchedulerOptions): FrameScheduler {
  const now = options.now ?? (() => performance.now());
  const later =
    options.later ??
    ((run: () => void) => {
      setImmediate(run);
    });
  // Items at [head, length): a slot taken is emptied at once. Left in place until the array is cut, a
  // run item (its closure, and the frame's Buffer it holds) lived through every scavenge until then,
  // a thousand items later: promoted, frame by frame, Buffers and all (see bench/RESULTS.md).
  let items: (Item | undefined)[] = [];
  let head = 0;
  let bytes = 0;
  const canRun = options.canRun ?? (() => true);
  let high = false;
  let scheduled = false;
  /** A slice stopped on canRun(): nothing is scheduled until resume(). */
  let parked = false;

  const take = (): Item | undefined => {
    const item = items[head];
    if (item === undefined) return undefined;
    items[head] = undefined;
    head += 1;
    // Drop the consumed prefix now and then, not at every item.
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    bytes -= item.bytes;
    return item;
  };

  const settle = (): void => {
    if (high && bytes <= options.highWaterBytes / 2) {
      high = false;
      options.onBelow();
    }
  };

  /** One item's work; a throw is a bug of that work and must not stop the frames behind it. */
  const runOne = (item: Item): void => {
    try {
      item.work();
    } catch (error) {
      options.onError(error);
    }
  };

  const slice = (): void => {
    scheduled = false;
    const until = now() + options.sliceMs;
    while (head < items.length) {
      if (!canRun()) {
        parked = true;
        break;
      }
      const item = take();
      if (item === undefined) break;
      runOne(item);
      if (now() >= until) break;
    }
    settle();
    if (head < items.length && !parked) schedule();
  };

  const schedule = (): void => {
    if (scheduled || parked) return;
    scheduled = true;
    later(slice);
  };

  return {
    defer: (work, size) => {
      items.push({ work, bytes: size });
      bytes += size;
      if (!high && bytes > options.highWaterBytes) high = true;
      schedule();
    },
    drain: () => {
      for (let item = take(); item !== undefined; item = take()) runOne(item);
      settle();
    },
    resume: () => {
      if (!parked) return;
      parked = false;
      if (head < items.length) schedule();
    },
    get high() {
      return high;
    },
    get bytes() {
      return bytes;
    },
    get pending() {
      return items.length - head;
    },
  };
}
