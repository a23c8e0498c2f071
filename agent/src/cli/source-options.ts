// The command-line options that name a Git source, shared by `render` and `sync`.
import { readFileSync } from 'node:fs';
import { credentialsFromCli, credentialsFromUrl, parseRefSpec, type SourceSpec } from '../source/index.ts';

export const SOURCE_OPTIONS = {
  repo: { type: 'string' },
  ref: { type: 'string', default: 'main' },
  path: { type: 'string', default: '' },
  'auth-token-file': { type: 'string' },
  'auth-basic-file': { type: 'string' },
  'ca-file': { type: 'string' },
  'cache-dir': { type: 'string' },
} as const;

/** `sync` alone: credentials from a Secret in the cluster, as the agent reads them. */
export const AUTH_SECRET_USAGE = `  --auth-secret NS/NAME   Git credentials from a Secret in the cluster (username + password, or
                          bearerToken; ca.crt), as the agent reads them`;

export const SOURCE_USAGE = `  --ref REF               branch (default main), branch:NAME, tag:NAME, semver:RANGE, commit:SHA
  --path P                folder inside the repository (default: its root)
  --auth-token-file F     bearer token for the Git server (or FERRY_GIT_TOKEN)
  --auth-basic-file F     user:password for the Git server (or FERRY_GIT_USERNAME, FERRY_GIT_PASSWORD)
  --ca-file F             CA bundle that signs the Git server's certificate
  --cache-dir D           keep the Git cache here between runs (default: a temporary folder)`;

export interface SourceValues {
  readonly repo: string;
  readonly ref: string;
  readonly path: string;
  readonly 'auth-token-file'?: string | undefined;
  readonly 'auth-basic-file'?: string | undefined;
  readonly 'ca-file'?: string | undefined;
}

/** Throws SourceError('invalid-ref' …) for a bad --ref, and auth errors for unreadable files. */
export function sourceSpecFrom(values: SourceValues, env: NodeJS.ProcessEnv): SourceSpec {
  const { url, auth: urlAuth } = credentialsFromUrl(values.repo);
  const auth = credentialsFromCli(
    {
      ...(values['auth-token-file'] !== undefined ? { tokenFile: values['auth-token-file'] } : {}),
      ...(values['auth-basic-file'] !== undefined ? { basicFile: values['auth-basic-file'] } : {}),
    },
    env,
  );
  return {
    url,
    ref: parseRefSpec(values.ref),
    path: values.path,
    auth: auth.kind === 'none' ? urlAuth : auth,
    ...(values['ca-file'] !== undefined ? { ca: readFileSync(values['ca-file'], 'utf8') } : {}),
  };
}
