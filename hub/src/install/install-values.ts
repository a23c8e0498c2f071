// What the hub fills into a cluster's install manifest, and the checks every value passes first. The
// manifest is built as objects and serialized (never by pasting text), so no value can add a line or
// a key; these checks refuse values the agent or the API server would refuse later, or that would
// leak (a repo URL with credentials in it). Messages name the field and never show the token.
import { hasControlCharacters } from './control-chars.ts';
import { InstallError } from './errors.ts';

export interface InstallCluster {
  readonly name: string;
  /** The repository's http(s) URL, without credentials. */
  readonly repo: string;
  readonly ref: string;
  /** The folder in the repository; '' is its root (left out of the GitSync). */
  readonly path: string;
  /** '' for the agent's default (the static manifest's value is kept). */
  readonly targetNamespace: string;
  /** The Secret in ferry-system with the Git credential (the operator makes it); '' for none. */
  readonly credentialsSecret: string;
}

export interface InstallValues {
  readonly cluster: InstallCluster;
  /** The one-time enrollment token (base64url). */
  readonly enrollmentToken: string;
  /** The hub's base URL as agents reach it (`https://hub.example.com:8443`). */
  readonly hubUrl: string;
  /** PEM of the CA that signed the hub's TLS certificate, when agents need it. */
  readonly hubCa?: string | undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TOKEN = /^[A-Za-z0-9_-]{16,512}$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

function refuse(field: string, message: string, cause?: unknown): never {
  throw new InstallError('invalid-value', field, message, cause === undefined ? undefined : { cause });
}

function checkHttpUrl(field: string, value: string, what: string): URL {
  if (value === '') refuse(field, `is empty; give ${what}`);
  if (hasControlCharacters(value) || /\s/.test(value))
    refuse(field, 'must not hold spaces or control characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    return refuse(field, `"${value}" is not a URL; give ${what}`, error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse(field, `must be an http(s) URL, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username !== '' || url.password !== '')
    refuse(field, 'must not hold credentials (user:password@); they would be shown to everyone who reads it');
  if (url.hostname === '') refuse(field, 'has no host');
  return url;
}

function checkText(field: string, value: string, options: { empty: boolean; max: number }): void {
  if (value === '' && !options.empty) refuse(field, 'is empty');
  if (value.length > options.max) refuse(field, `is longer than ${options.max} characters`);
  if (hasControlCharacters(value)) refuse(field, 'must not hold control characters or line breaks');
}

function checkPath(path: string): void {
  checkText('cluster.path', path, { empty: true, max: 1024 });
  if (path.startsWith('/') || path.includes('\\'))
    refuse('cluster.path', `"${path}" must be a relative folder with / between names`);
  if (path.split('/').includes('..'))
    refuse('cluster.path', `"${path}" must not climb out of the repository (..)`);
}

function checkCa(ca: string): string {
  const pem = ca.replace(/\r\n/g, '\n');
  if (!PEM_CERTIFICATE.test(pem)) refuse('hubCa', 'is not a PEM certificate (-----BEGIN CERTIFICATE-----)');
  if (hasControlCharacters(pem, true)) refuse('hubCa', 'holds control characters');
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** The values, checked and normalized (CA with LF line ends); throws InstallError('invalid-value') naming the field. */
export function checkInstallValues(values: InstallValues): InstallValues {
  const { cluster } = values;
  checkText('cluster.name', cluster.name, { empty: false, max: 253 });
  checkHttpUrl('cluster.repo', cluster.repo, "the repository's http(s) URL");
  // Spaces are allowed: a semver range (`semver:>=1.0 <2`) has them.
  checkText('cluster.ref', cluster.ref, { empty: false, max: 255 });
  if (cluster.ref.trim() !== cluster.ref)
    refuse('cluster.ref', `"${cluster.ref}" starts or ends with a space`);
  checkPath(cluster.path);
  if (
    cluster.targetNamespace !== '' &&
    (cluster.targetNamespace.length > 63 || !DNS_LABEL.test(cluster.targetNamespace))
  )
    refuse('cluster.targetNamespace', `"${cluster.targetNamespace}" is not a namespace name (a DNS label)`);
  if (
    cluster.credentialsSecret !== '' &&
    (cluster.credentialsSecret.length > 253 || !DNS_SUBDOMAIN.test(cluster.credentialsSecret))
  )
    refuse('cluster.credentialsSecret', `"${cluster.credentialsSecret}" is not a Secret name`);
  // The token itself never goes into a message.
  if (!TOKEN.test(values.enrollmentToken))
    refuse('enrollmentToken', 'must be 16 to 512 base64url characters');
  const hub = checkHttpUrl('hubUrl', values.hubUrl, "the hub's base URL");
  if (hub.search !== '' || hub.hash !== '') refuse('hubUrl', 'must not hold a query or a fragment');
  const hubCa = values.hubCa === undefined ? undefined : checkCa(values.hubCa);
  return {
    cluster,
    enrollmentToken: values.enrollmentToken,
    hubUrl: values.hubUrl,
    ...(hubCa === undefined ? {} : { hubCa }),
  };
}
