// Where `ferry` finds its hub and token: flags, then FERRY_HUB / FERRY_TOKEN / FERRY_CA, then the config
// file `ferry login` wrote ($FERRY_CONFIG, else $XDG_CONFIG_HOME/ferry/config.json, else
// ~/.config/ferry/config.json; mode 0600). The file's token and CA are used only for the hub the file
// names, so pointing FERRY_HUB elsewhere never sends the stored token to another server.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError, EXIT, type CliIo } from './exit-codes.ts';
import { isRecord } from './cluster-json.ts';

export interface FerryConfig {
  readonly hub: string;
  readonly token: string;
  /** PEM of the CA that signs the hub's certificate (the file's contents, not its path). */
  readonly ca?: string | undefined;
}

/** What a command needs to talk to the hub. */
export interface Connection {
  /** Base URL, no trailing slash. */
  readonly hub: string;
  readonly token: string | undefined;
  readonly ca: string | undefined;
}

export function configPath(io: Pick<CliIo, 'env' | 'home'>): string {
  const explicit = io.env.FERRY_CONFIG;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = io.env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(io.home, '.config'), 'ferry', 'config.json');
}

/** The config file's contents, or undefined when there is none. Throws CliError for an unreadable file. */
export function readConfig(path: string): FerryConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(EXIT.failure, `config file ${path}: cannot read it (${(error as Error).message})`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.failure, `config file ${path}: not JSON; run ferry login again`, {
      cause: error,
    });
  }
  if (!isRecord(value) || typeof value.hub !== 'string' || typeof value.token !== 'string')
    throw new CliError(EXIT.failure, `config file ${path}: needs "hub" and "token"; run ferry login again`);
  return {
    hub: value.hub,
    token: value.token,
    ...(typeof value.ca === 'string' ? { ca: value.ca } : {}),
  };
}

/** Writes the config file readable by its owner only (0600, directory 0700), replacing it whole. */
export function writeConfig(path: string, config: FerryConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** A hub URL as the CLI keeps it: http(s), no credentials, query or fragment, no trailing slash. */
export function normalizeHubUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new CliError(EXIT.usage, `${source}: "${text}" is not a URL like https://hub.example.com`, {
      cause: error,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError(
      EXIT.usage,
      `${source}: must be an http(s) URL, not ${url.protocol.replace(/:$/, '')}`,
    );
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw new CliError(EXIT.usage, `${source}: must not hold credentials, a query or a fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function readCaFile(path: string, source: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.usage, `${source} ${path}: cannot read it (${(error as Error).message})`, {
      cause: error,
    });
  }
}

export interface ConnectionFlags {
  readonly hub?: string | undefined;
  readonly ca?: string | undefined;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

/**
 * The hub, token and CA for a command: flag, then environment, then config file (whose token and CA
 * count only for its own hub). Throws CliError (usage) when no hub is known at all.
 */
export function resolveConnection(flags: ConnectionFlags, io: Pick<CliIo, 'env' | 'home'>): Connection {
  const config = readConfig(configPath(io));
  const hubText = nonEmpty(flags.hub) ?? nonEmpty(io.env.FERRY_HUB) ?? config?.hub;
  if (hubText === undefined)
    throw new CliError(EXIT.usage, 'no hub: run `ferry login --hub URL`, or set FERRY_HUB (and FERRY_TOKEN)');
  const source =
    nonEmpty(flags.hub) !== undefined
      ? '--hub'
      : nonEmpty(io.env.FERRY_HUB) !== undefined
        ? 'FERRY_HUB'
        : 'config hub';
  const hub = normalizeHubUrl(hubText, source);
  const sameHub = config !== undefined && normalizeHubUrl(config.hub, 'config hub') === hub;
  const caFile = nonEmpty(flags.ca) ?? nonEmpty(io.env.FERRY_CA);
  const ca =
    caFile !== undefined
      ? readCaFile(caFile, nonEmpty(flags.ca) !== undefined ? '--ca' : 'FERRY_CA')
      : sameHub
        ? config.ca
        : undefined;
  return { hub, token: nonEmpty(io.env.FERRY_TOKEN) ?? (sameHub ? config.token : undefined), ca };
}
