// Versions and limits: what an agent and the hub agree on in the hello/welcome exchange. Versions are
// integers; the agent lists all it speaks in `hello.body.protocols` and the hub answers with the
// highest one both speak, or closes with `unsupportedVersion` when there is none.

/** The version this build writes. */
export const PROTOCOL_VERSION = 1;

/** Every version this build reads and writes, oldest first. */
export const PROTOCOL_VERSIONS: readonly number[] = [PROTOCOL_VERSION];

/**
 * The highest version in both lists, or undefined when they share none (the hub then closes with
 * `unsupportedVersion`).
 */
export function negotiateVersion(
  offered: readonly number[],
  supported: readonly number[] = PROTOCOL_VERSIONS,
): number | undefined {
  let chosen: number | undefined;
  for (const version of offered) {
    if (supported.includes(version) && (chosen === undefined || version > chosen)) chosen = version;
  }
  return chosen;
}

/** What the hub tells the agent in `welcome`; both sides hold to it for the rest of the connection. */
export interface Limits {
  /** The largest frame either side sends, in bytes of UTF-8 (not characters). */
  readonly maxFrameBytes: number;
  /** The most messages the agent sends that the hub has not acked yet. */
  readonly maxUnacked: number;
  /** How often each side sends a heartbeat when it has nothing else to say. */
  readonly heartbeatSeconds: number;
  /** The least time between two refresh hints that the agent acts on; it drops those in between. */
  readonly refreshMinIntervalSeconds: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 1024 * 1024,
  maxUnacked: 64,
  heartbeatSeconds: 20,
  refreshMinIntervalSeconds: 10,
};

/**
 * The range a hub may choose each limit from (the welcome schema refuses others). The smallest frame
 * still holds a syncReport with its bounded lists and a snapshot chunk of a few resources.
 */
export const LIMIT_RANGES: { readonly [K in keyof Limits]: { readonly min: number; readonly max: number } } =
  {
    maxFrameBytes: { min: 64 * 1024, max: 16 * 1024 * 1024 },
    maxUnacked: { min: 1, max: 4096 },
    heartbeatSeconds: { min: 1, max: 3600 },
    refreshMinIntervalSeconds: { min: 1, max: 86_400 },
  };

/** The size of a frame as the limit counts it: bytes of UTF-8. */
export function frameBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
