// The agent's own long-lived hub credential: 32 random bytes (base64url, 43 characters) that the agent
// makes itself and keeps in the Secret `ferry-agent-credential` (key `credential`), before the hub ever
// hears of it. Written with the Secret's resourceVersion as precondition: when two writers race, the
// loser reads what the winner stored and uses that, so one cluster never holds two credentials. The
// hub only ever learns its SHA-256 digest (at enrollment); the value travels only in the channel's
// Authorization header. Nothing here logs, and no message quotes the value.
import { createHash, randomBytes } from 'node:crypto';
import { KubeError, type KubeApi, type KubeObject } from '../kube/index.ts';
import { decodeSecretData } from './config.ts';

export const CREDENTIAL_SECRET = 'ferry-agent-credential';
export const CREDENTIAL_KEY = 'credential';
const CREDENTIAL_BYTES = 32;
const CREDENTIAL_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** Conflicts in a row before giving up (someone else keeps writing the Secret). */
const MAX_ATTEMPTS = 5;

/** `stored`: read as it was; `generated`: made and written by this call; `adopted`: another writer won a race. */
export type CredentialSource = 'stored' | 'generated' | 'adopted';

export interface Credential {
  readonly value: string;
  readonly source: CredentialSource;
}

export interface CredentialOptions {
  readonly namespace: string;
  readonly secret?: string;
  /** A credential the hub refused for good (bound elsewhere): a stored one equal to it is replaced. */
  readonly refuse?: string | undefined;
  /** Randomness (tests pin it). */
  readonly random?: (bytes: number) => Buffer;
}

export function newCredential(random: (bytes: number) => Buffer = randomBytes): string {
  return random(CREDENTIAL_BYTES).toString('base64url');
}

export function isCredential(value: string): boolean {
  return CREDENTIAL_FORMAT.test(value);
}

/** SHA-256 of the credential's UTF-8 text, 64 lowercase hex: what the hub stores (hub/src/crypto.ts digest). */
export function credentialDigest(credential: string): string {
  return createHash('sha256').update(credential, 'utf8').digest('hex');
}

/**
 * The stored credential, or a new one written into the Secret first. Crash-safe: a crash before the
 * write leaves nothing (the next start makes another); after it, the next start reads it back.
 */
export async function ensureCredential(kube: KubeApi, options: CredentialOptions): Promise<Credential> {
  const name = options.secret ?? CREDENTIAL_SECRET;
  const ref = { group: '', version: 'v1', kind: 'Secret', namespace: options.namespace, name };
  const where = `Secret ${options.namespace}/${name}`;
  let raced = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const secret = await kube.get(ref);
    const stored = decodeSecretData(secret?.data)[CREDENTIAL_KEY];
    if (stored !== undefined && isCredential(stored) && stored !== options.refuse)
      return { value: stored, source: raced ? 'adopted' : 'stored' };
    const value = newCredential(options.random);
    try {
      if (secret === undefined) await kube.create(credentialSecret(options.namespace, name, value));
      else await kube.replace(withCredential(secret, value));
      return { value, source: 'generated' };
    } catch (error) {
      // Someone else wrote (or created) it first: read again and use theirs.
      if (!(error instanceof KubeError && error.code === 'conflict')) throw error;
      raced = true;
    }
  }
  throw new KubeError(
    'conflict',
    `${where} key ${CREDENTIAL_KEY}: still changing after ${MAX_ATTEMPTS} reads`,
  );
}

/** The read Secret with the credential set; its resourceVersion stays as the precondition of the PUT. */
function withCredential(secret: KubeObject, value: string): KubeObject {
  const data = { ...((secret.data as Record<string, string> | undefined) ?? {}) };
  data[CREDENTIAL_KEY] = Buffer.from(value, 'utf8').toString('base64');
  return { ...secret, data };
}

function credentialSecret(namespace: string, name: string, value: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'ferry-agent', 'app.kubernetes.io/part-of': 'ferry' },
    },
    type: 'Opaque',
    data: { [CREDENTIAL_KEY]: Buffer.from(value, 'utf8').toString('base64') },
  };
}
