// The hub's configuration: flags win over the environment, the environment over defaults. Pure: it
// returns the configuration or the list of problems, each naming the flag (and its variable).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration, parseLogLevel, type LogLevel } from '@ferry/shared';
import { DB_FILE_NAME, DEFAULT_ENROLLMENT_TTL_MS, defaultDataDir } from './store/index.ts';
import type { WebhookSecretSources } from './webhooks/index.ts';

export interface HubConfig {
  readonly host: string;
  readonly port: number;
  /** The database file (in the data directory). */
  readonly dbPath: string;
  /** The URL agents and people reach the hub at, no trailing slash: install manifests carry it. */
  readonly publicUrl: string;
  /** Serve HTTPS with this certificate and key (PEM files); absent: plain HTTP (TLS in front of the hub). */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** A CA (PEM file) that agents must trust to reach publicUrl; written into install manifests. */
  readonly caFile: string | undefined;
  readonly staleAfterMs: number;
  readonly enrollmentTtlMs: number;
  /** The static install manifest (`kubectl kustomize deploy/agent` of the release); undefined: the built one. */
  readonly installManifest: string | undefined;
  /** The first admin API token, when it should not be generated (FERRY_HUB_ADMIN_TOKEN). */
  readonly adminToken: string | undefined;
  /** Where the Git webhook relay's secrets come from (read at start); none named: every push is refused. */
  readonly webhookSecrets: WebhookSecretSources;
  readonly logLevel: LogLevel;
}

export const HUB_USAGE = `usage:
  ferry-hub [options]

The Ferry hub: agents dial out to it and report; people read fleet status from its API and enroll
clusters with one-time install manifests. On its first start it creates an admin API token and
prints it once (or takes FERRY_HUB_ADMIN_TOKEN).

  --host H              address to listen on (env FERRY_HUB_HOST; default 0.0.0.0)
  --port N              port (env FERRY_HUB_PORT; default 8080, 8443 with TLS)
  --data-dir D          where the database lives (env FERRY_HUB_DATA; default /var/lib/ferry-hub
                        for root, ~/.ferry-hub otherwise)
  --public-url URL      the URL clusters reach the hub at, written into install manifests
                        (env FERRY_HUB_PUBLIC_URL; default http(s)://<host name>:<port>)
  --tls-cert F          serve HTTPS with this certificate (env FERRY_HUB_TLS_CERT; with --tls-key)
  --tls-key F           and this key (env FERRY_HUB_TLS_KEY)
  --ca-file F           CA certificate agents must trust for the public URL, put into install
                        manifests (env FERRY_HUB_CA_FILE)
  --stale-after D       a cluster not heard from for this long is stale (env FERRY_HUB_STALE_AFTER;
                        default 2m)
  --enrollment-ttl D    how long a one-time install token is valid (default 24h)
  --install-manifest F  the release's static agent manifest (env FERRY_HUB_INSTALL_MANIFEST;
                        default the one built with the hub)
  --webhook-secret-file F
                        the Git webhook secret shared by every repository, in a file (or the
                        secret itself in env FERRY_HUB_WEBHOOK_SECRET); at least 16 characters
  --webhook-secrets F   per-repository webhook secrets, a JSON file {"<repo URL>": "<secret>"}
                        (env FERRY_HUB_WEBHOOK_SECRETS); a repository's own secret wins. With
                        neither, POST /api/v1/webhooks/git refuses every push
  --log-level L         debug, info, warn or error (env FERRY_LOG_LEVEL; default info)

examples:
  ferry-hub --public-url https://ferry.example.com --tls-cert hub.crt --tls-key hub.key
  FERRY_HUB_ADMIN_TOKEN=$(openssl rand -base64 32) ferry-hub --data-dir /srv/ferry`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'public-url': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'ca-file': { type: 'string' },
  'stale-after': { type: 'string' },
  'enrollment-ttl': { type: 'string' },
  'install-manifest': { type: 'string' },
  'webhook-secret-file': { type: 'string' },
  'webhook-secrets': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type ConfigResult =
  | { readonly ok: true; readonly config: HubConfig }
  | { readonly ok: false; readonly help: true }
  | { readonly ok: false; readonly help: false; readonly errors: readonly string[] };

export interface ConfigContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** This machine's name, for the default public URL. */
  readonly hostname: string;
}

export function parseHubConfig(argv: readonly string[], context: ConfigContext): ConfigResult {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    return { ok: false, help: false, errors: [(error as Error).message] };
  }
  if (values.help) return { ok: false, help: true };
  const errors: string[] = [];
  const env = (name: string): string | undefined => {
    const value = context.env[name];
    return value === '' ? undefined : value;
  };
  const pick = (flag: keyof typeof OPTIONS, variable?: string): string | undefined => {
    const value = values[flag];
    if (typeof value === 'string') return value;
    return variable === undefined ? undefined : env(variable);
  };
  const duration = (
    flag: 'stale-after' | 'enrollment-ttl',
    variable: string | undefined,
    fallback: number,
  ) => {
    const text = pick(flag, variable);
    if (text === undefined) return fallback;
    const parsed = parseDuration(text);
    if (parsed === undefined || parsed <= 0)
      errors.push(`--${flag}${variable ? ` (${variable})` : ''}: "${text}" is not a duration like 90s or 5m`);
    return parsed ?? fallback;
  };

  const certFile = pick('tls-cert', 'FERRY_HUB_TLS_CERT');
  const keyFile = pick('tls-key', 'FERRY_HUB_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    errors.push('--tls-cert and --tls-key (FERRY_HUB_TLS_CERT, FERRY_HUB_TLS_KEY) go together');
  const tls = certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined;

  const host = pick('host', 'FERRY_HUB_HOST') ?? '0.0.0.0';
  const portText = pick('port', 'FERRY_HUB_PORT');
  const port = portText === undefined ? (tls ? 8443 : 8080) : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    errors.push(`--port (FERRY_HUB_PORT): "${String(portText)}" is not a port number`);

  const publicUrlText =
    pick('public-url', 'FERRY_HUB_PUBLIC_URL') ?? `${tls ? 'https' : 'http'}://${context.hostname}:${port}`;
  const publicUrl = checkPublicUrl(publicUrlText, errors);

  let logLevel: LogLevel = 'info';
  try {
    logLevel = parseLogLevel(pick('log-level', 'FERRY_LOG_LEVEL'), '--log-level (FERRY_LOG_LEVEL)');
  } catch (error) {
    errors.push((error as Error).message);
  }

  const dataDir = pick('data-dir', 'FERRY_HUB_DATA') ?? defaultDataDir();
  const config: HubConfig = {
    host,
    port,
    dbPath: join(dataDir, DB_FILE_NAME),
    publicUrl,
    tls,
    caFile: pick('ca-file', 'FERRY_HUB_CA_FILE'),
    staleAfterMs: duration('stale-after', 'FERRY_HUB_STALE_AFTER', 120_000),
    enrollmentTtlMs: duration('enrollment-ttl', undefined, DEFAULT_ENROLLMENT_TTL_MS),
    installManifest: pick('install-manifest', 'FERRY_HUB_INSTALL_MANIFEST'),
    adminToken: env('FERRY_HUB_ADMIN_TOKEN'),
    webhookSecrets: {
      sharedFile: pick('webhook-secret-file'),
      shared: env('FERRY_HUB_WEBHOOK_SECRET'),
      perRepoFile: pick('webhook-secrets', 'FERRY_HUB_WEBHOOK_SECRETS'),
    },
    logLevel,
  };
  return errors.length > 0 ? { ok: false, help: false, errors } : { ok: true, config };
}

/** http(s) with a host, no user, query or fragment; returned without a trailing slash. */
function checkPublicUrl(text: string, errors: string[]): string {
  const problem = `--public-url (FERRY_HUB_PUBLIC_URL): "${text}"`;
  if (!URL.canParse(text)) {
    errors.push(`${problem} is not a URL`);
    return text;
  }
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') errors.push(`${problem} must be http or https`);
  if (url.username !== '' || url.password !== '') errors.push(`${problem} must not carry a user or password`);
  if (url.search !== '' || url.hash !== '') errors.push(`${problem} must have no query or fragment`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
