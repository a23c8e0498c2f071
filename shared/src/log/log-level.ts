// Log levels: one `as const` table gives the names, their order, and the parser for FERRY_LOG_LEVEL.

/** Each level with its rank: a logger writes the lines whose rank is at least its own. */
export const LOG_LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

export const LOG_LEVEL_NAMES = Object.keys(LOG_LEVELS) as readonly LogLevel[];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
/** The environment variable the agent reads its level from. */
export const LOG_LEVEL_ENV = 'FERRY_LOG_LEVEL';

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LOG_LEVELS, value);
}

/** Whether a logger at `threshold` writes a line at `level`. */
export function levelEnabled(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS[level] >= LOG_LEVELS[threshold];
}

/**
 * A level from text such as FERRY_LOG_LEVEL: case and surrounding spaces do not matter, unset or
 * empty means the default. Anything else throws an error that names the variable and the choices.
 */
export function parseLogLevel(text: string | undefined, source: string = LOG_LEVEL_ENV): LogLevel {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '') return DEFAULT_LOG_LEVEL;
  if (isLogLevel(value)) return value;
  throw new Error(
    `${source}=${JSON.stringify(text)} is not a log level; use one of ${LOG_LEVEL_NAMES.join(', ')}`,
  );
}
