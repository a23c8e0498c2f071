// `ferry status --watch`: the fleet table kept current from the hub's event stream. On a terminal the
// table is redrawn after each change (and every few seconds, for the ages); on a pipe it is printed
// once, then one line per change; with -o json, one JSON object per event (NDJSON). Reconnects with
// Last-Event-ID; Ctrl-C ends it with exit 0.
import type { Connection } from '../config.ts';
import { EXIT, type CliIo, type ExitCode } from '../exit-codes.ts';
import { createFleetWatch, formatChangeLines, formatWatchTable } from '../fleet-watch.ts';
import type { ParsedEvent } from '../sse-parser.ts';
import { watchEvents } from '../watch-events.ts';

export type WatchOutput = 'table' | 'wide' | 'json';

/** Clears a terminal and puts the cursor home. */
const CLEAR = '\x1b[H\x1b[2J';
const REDRAW_MS = 5000;

function jsonLine(event: ParsedEvent): string {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    data = event.data;
  }
  return `${JSON.stringify({ event: event.event, id: event.lastEventId ?? null, data })}\n`;
}

export async function runStatusWatch(
  connection: Connection,
  selector: string | undefined,
  output: WatchOutput,
  io: CliIo,
): Promise<ExitCode> {
  const signal = io.interrupt();
  const fleet = createFleetWatch();
  const width = output === 'wide' ? 'wide' : 'table';
  let shownOnce = false;
  const draw = (): void => {
    const clusters = fleet.clusters();
    io.stdout(
      `${CLEAR}${formatWatchTable(clusters, io.now(), width)}\n` +
        `${clusters.length} ${clusters.length === 1 ? 'cluster' : 'clusters'} at ${connection.hub}, ` +
        `updated ${io.now().toISOString()} (Ctrl-C to stop)\n`,
    );
  };
  const redraw =
    io.stdoutIsTty && output !== 'json'
      ? setInterval(() => {
          if (shownOnce) draw();
        }, REDRAW_MS)
      : undefined;
  try {
    await watchEvents(connection, {
      selector,
      signal,
      onEvent: (event) => {
        if (output === 'json') {
          io.stdout(jsonLine(event));
          return;
        }
        const update = fleet.apply(event);
        if (update.kind === 'none') return;
        if (io.stdoutIsTty) {
          shownOnce = true;
          draw();
        } else if (update.kind === 'list' && !shownOnce) {
          shownOnce = true;
          io.stdout(formatWatchTable(fleet.clusters(), io.now(), width));
        } else {
          io.stdout(formatChangeLines(update, io.now(), width));
        }
      },
      onReconnect: (delayMs) => {
        io.stderr(`ferry: the event stream ended; reconnecting in ${(delayMs / 1000).toFixed(1)} s\n`);
      },
    });
  } finally {
    if (redraw !== undefined) clearInterval(redraw);
  }
  return EXIT.ok;
}
