// What this run started, newest first, and how to stop each: the agent before the hub it reports to,
// the hub before the cluster, the cluster and Git server last. Every stop runs even when one fails;
// stopAll() answers what was stopped and what failed, for main.ts to print.
import { writeRecord, killSync, type ProcessRef } from './processes.ts';

export interface Started {
  /** For the report: "agent (pid 123)"; a function is asked just before the stop (what runs then). */
  readonly what: string | (() => string);
  readonly stop: () => Promise<void>;
  /** Processes to record for the next run and to SIGKILL from an 'exit' handler. */
  readonly processes?: readonly ProcessRef[];
}

export interface StopReport {
  readonly stopped: readonly string[];
  readonly failed: readonly { readonly what: string; readonly error: string }[];
}

export class Teardown {
  readonly #started: Started[] = [];
  readonly #recordFile: string;
  #stopping: Promise<StopReport> | undefined;

  constructor(recordFile: string) {
    this.#recordFile = recordFile;
  }

  /** Registers something that now runs. */
  add(started: Started): void {
    this.#started.push(started);
    writeRecord(this.#recordFile, this.processes());
  }

  processes(): ProcessRef[] {
    return this.#started.flatMap((started) => started.processes ?? []);
  }

  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Stops everything, newest first; idempotent. */
  stopAll(): Promise<StopReport> {
    this.#stopping ??= (async () => {
      const stopped: string[] = [];
      const failed: { what: string; error: string }[] = [];
      for (const started of [...this.#started].reverse()) {
        const what = typeof started.what === 'string' ? started.what : started.what();
        try {
          await started.stop();
          stopped.push(what);
        } catch (error) {
          failed.push({ what, error: error instanceof Error ? error.message : String(error) });
        }
      }
      this.#started.length = 0;
      writeRecord(this.#recordFile, []);
      return { stopped, failed };
    })();
    return this.#stopping;
  }

  /** For an 'exit' handler: SIGKILL every recorded process at once. */
  killAllSync(): void {
    for (const ref of this.processes()) killSync(ref);
  }
}
