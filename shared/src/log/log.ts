// Structured logs for the agent and the hub: one JSON object per line, {"time", "level", "msg", ...base,
// ...fields}, secrets redacted and errors flattened by log-fields.ts. Only entry points create one (and
// give it the sink to write to); core code takes a Logger (or returns data) and never writes itself.
import { levelEnabled, type LogLevel } from './log-level.ts';
import { toLogFields } from './log-fields.ts';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line (a child's fields win over its parent's). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lines below this level are not written. */
  readonly level: LogLevel;
  /** Takes one line, without its newline (the entry point's sink: stdout, a file, a test's array). */
  readonly write: (line: string) => void;
  /** Fields on every line. */
  readonly base?: LogFields;
  /** The clock for "time" (tests pin it). */
  readonly now?: () => Date;
}

/** Keys every line has; a field of the same name is written as "field.<key>" instead. */
const OWN_KEYS: ReadonlySet<string> = new Set(['time', 'level', 'msg']);

export function createLogger(options: LoggerOptions): Logger {
  const { level, write, base = {}, now = () => new Date() } = options;

  const emit = (lineLevel: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (!levelEnabled(lineLevel, level)) return;
    const line: Record<string, unknown> = { time: now().toISOString(), level: lineLevel, msg };
    for (const [key, value] of Object.entries(toLogFields({ ...base, ...fields }))) {
      line[OWN_KEYS.has(key) ? `field.${key}` : key] = value;
    }
    write(JSON.stringify(line));
  };

  return {
    level,
    debug: (msg, fields) => {
      emit('debug', msg, fields);
    },
    info: (msg, fields) => {
      emit('info', msg, fields);
    },
    warn: (msg, fields) => {
      emit('warn', msg, fields);
    },
    error: (msg, fields) => {
      emit('error', msg, fields);
    },
    child: (fields) => createLogger({ level, write, now, base: { ...base, ...fields } }),
  };
}

/** A logger that writes nothing (tests, and callers that were given none). */
export const SILENT_LOGGER: Logger = createLogger({ level: 'error', write: () => undefined });
