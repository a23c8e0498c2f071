// Where the hub is: the bootstrap Secret `ferry-agent-hub` the install manifest creates (keys `url`,
// `enrollmentToken`, optional `ca.crt`). No Secret: the agent runs alone. The URL is checked here and
// the channel's and the enrollment's addresses derived from it; an error names the Secret and the key,
// and never quotes the token.
import type { KubeApi } from '../kube/index.ts';

export const HUB_SECRET = 'ferry-agent-hub';
export const HUB_KEYS = { url: 'url', enrollmentToken: 'enrollmentToken', ca: 'ca.crt' } as const;

/** The agent channel, on the hub's HTTP(S) port. */
export const AGENT_CHANNEL_PATH = '/api/v1/agents/connect';
/** The exchange of the one-time token for the agent's own credential. */
export const ENROLL_PATH = '/api/v1/enroll';

const MAX_TOKEN_LENGTH = 512;

export interface HubConfig {
  /** The base URL as given, without a trailing slash: `https://hub.example.com:8443`. */
  readonly url: string;
  /** `wss://hub.example.com:8443/api/v1/agents/connect` (ws:// for an http:// hub). */
  readonly channelUrl: string;
  /** `https://hub.example.com:8443/api/v1/enroll`. */
  readonly enrollUrl: string;
  /** The one-time token, when the manifest holds one (never logged). */
  readonly enrollmentToken: string | undefined;
  /** PEM of the CA that signed the hub's certificate; the only CA trusted for the hub when set. */
  readonly ca: string | undefined;
}

export type HubConfigResult =
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'configured'; readonly config: HubConfig };

export type HubUrls =
  | { readonly ok: true; readonly url: string; readonly channelUrl: string; readonly enrollUrl: string }
  | { readonly ok: false; readonly problem: string };

/** The hub's addresses from its base URL: http(s) only, no user or password, no query or fragment. */
export function hubUrls(text: string): HubUrls {
  const value = text.trim();
  if (value === '') return { ok: false, problem: 'is empty' };
  if (!URL.canParse(value)) return { ok: false, problem: 'is not a URL' };
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, problem: `uses ${url.protocol}, expected http: or https:` };
  // Not quoted: a user or password here is a secret in the wrong place.
  if (url.username !== '' || url.password !== '')
    return { ok: false, problem: 'must not carry a user or password' };
  if (url.search !== '' || url.hash !== '')
    return { ok: false, problem: 'must not have a query or a fragment' };
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const wsBase = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}${base.slice(url.protocol.length)}`;
  return {
    ok: true,
    url: base,
    channelUrl: `${wsBase}${AGENT_CHANNEL_PATH}`,
    enrollUrl: `${base}${ENROLL_PATH}`,
  };
}

/**
 * The configuration from the Secret's decoded data. `where` names the Secret in messages
 * (`Secret ferry-system/ferry-agent-hub`); `urlOverride` (a flag, for local runs) wins over the key.
 */
export function parseHubConfig(
  where: string,
  data: Readonly<Record<string, string>>,
  urlOverride?: string,
): HubConfigResult {
  const urlText = urlOverride ?? data[HUB_KEYS.url];
  const urlSource = urlOverride !== undefined ? '--hub-url' : `${where} key ${HUB_KEYS.url}`;
  if (urlText === undefined) return { kind: 'invalid', message: `${urlSource} is missing` };
  const urls = hubUrls(urlText);
  if (!urls.ok) return { kind: 'invalid', message: `${urlSource} ${urls.problem}` };
  const token = data[HUB_KEYS.enrollmentToken]?.trim();
  if (token !== undefined && token !== '' && (token.length > MAX_TOKEN_LENGTH || /\s/.test(token)))
    return {
      kind: 'invalid',
      message: `${where} key ${HUB_KEYS.enrollmentToken} is not a token (at most ${MAX_TOKEN_LENGTH} characters, no spaces)`,
    };
  const ca = data[HUB_KEYS.ca];
  if (ca !== undefined && ca.trim() !== '' && !ca.includes('-----BEGIN CERTIFICATE-----'))
    return { kind: 'invalid', message: `${where} key ${HUB_KEYS.ca} holds no PEM certificate` };
  return {
    kind: 'configured',
    config: {
      url: urls.url,
      channelUrl: urls.channelUrl,
      enrollUrl: urls.enrollUrl,
      enrollmentToken: token === undefined || token === '' ? undefined : token,
      ca: ca === undefined || ca.trim() === '' ? undefined : ca,
    },
  };
}

export interface ReadHubConfigOptions {
  readonly namespace: string;
  readonly secret?: string;
  /** Wins over the Secret's `url`; with no Secret, a hub with no token and no CA. */
  readonly urlOverride?: string | undefined;
}

/** Reads the bootstrap Secret. API errors are thrown (KubeError); the caller retries. */
export async function readHubConfig(kube: KubeApi, options: ReadHubConfigOptions): Promise<HubConfigResult> {
  const name = options.secret ?? HUB_SECRET;
  const where = `Secret ${options.namespace}/${name}`;
  const secret = await kube.get({
    group: '',
    version: 'v1',
    kind: 'Secret',
    namespace: options.namespace,
    name,
  });
  if (secret === undefined && options.urlOverride === undefined) return { kind: 'absent' };
  return parseHubConfig(where, decodeSecretData(secret?.data), options.urlOverride);
}

/** A Secret's `data`, base64-decoded; keys whose value is not a string are left out. */
export function decodeSecretData(data: unknown): Record<string, string> {
  const decoded: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return decoded;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === 'string') decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return decoded;
}
