// Git credentials, from the three places they may live: a Kubernetes Secret's data (the agent), a
// file or environment variables (the command line). Values are never logged or reported.
import { readFileSync } from 'node:fs';
import { SourceError } from './errors.ts';
import type { GitAuth } from './types.ts';

export interface GitCredentials {
  readonly auth: GitAuth;
  readonly ca?: string;
}

/**
 * A Secret's decoded data: `username` + `password` (basic), or `bearerToken`; optionally `ca.crt`.
 * The key names follow Flux's GitRepository secrets, so existing Secrets work unchanged.
 */
export function credentialsFromSecretData(
  secretName: string,
  data: Readonly<Record<string, string>>,
): GitCredentials {
  const ca = data['ca.crt'] ?? data.caFile;
  const withCa = ca !== undefined && ca.trim() !== '' ? { ca } : {};
  if (data.bearerToken !== undefined && data.bearerToken !== '') {
    return { auth: { kind: 'bearer', token: data.bearerToken.trim() }, ...withCa };
  }
  if (data.username !== undefined || data.password !== undefined) {
    if (data.username === undefined || data.password === undefined) {
      throw new SourceError(
        'auth-refused',
        `Secret ${secretName} has ${data.username === undefined ? 'password' : 'username'} but no ${data.username === undefined ? 'username' : 'password'}`,
      );
    }
    return { auth: { kind: 'basic', username: data.username, password: data.password }, ...withCa };
  }
  return { auth: { kind: 'none' }, ...withCa };
}

/** Splits `https://user:pass@host/repo.git` into a URL without credentials and basic auth. */
export function credentialsFromUrl(url: string): { url: string; auth: GitAuth } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new SourceError('unreachable', `${JSON.stringify(url)} is not a URL`, { cause: error });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SourceError(
      'unreachable',
      `only https:// and http:// repositories are supported, not ${parsed.protocol}`,
    );
  }
  if (parsed.username === '' && parsed.password === '') return { url, auth: { kind: 'none' } };
  const auth: GitAuth = {
    kind: 'basic',
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), auth };
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new SourceError(
      'auth-refused',
      `cannot read the ${what} file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * The command line's credentials: a token file, a `user:password` file, or the environment
 * (FERRY_GIT_TOKEN, or FERRY_GIT_USERNAME and FERRY_GIT_PASSWORD). Files win over the environment.
 */
export function credentialsFromCli(
  options: { tokenFile?: string; basicFile?: string },
  env: NodeJS.ProcessEnv,
): GitAuth {
  if (options.tokenFile !== undefined)
    return { kind: 'bearer', token: readSecretFile(options.tokenFile, 'token') };
  if (options.basicFile !== undefined) {
    const text = readSecretFile(options.basicFile, 'basic-auth');
    const colon = text.indexOf(':');
    if (colon <= 0) throw new SourceError('auth-refused', `${options.basicFile} must hold user:password`);
    return { kind: 'basic', username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (env.FERRY_GIT_TOKEN !== undefined && env.FERRY_GIT_TOKEN !== '')
    return { kind: 'bearer', token: env.FERRY_GIT_TOKEN };
  if (env.FERRY_GIT_USERNAME !== undefined && env.FERRY_GIT_PASSWORD !== undefined) {
    return { kind: 'basic', username: env.FERRY_GIT_USERNAME, password: env.FERRY_GIT_PASSWORD };
  }
  return { kind: 'none' };
}
