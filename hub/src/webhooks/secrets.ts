// The secrets webhook deliveries are checked with: one shared by every repository, and each
// repository's own (which wins), keyed by the repository's normalised URL. Read once at the hub's
// start from what the configuration names; a problem names the flag and the key, never a secret.
// Pure: the caller reads the files.
import { normalizeRepoUrl } from './normalize-repo.ts';

export interface WebhookSecrets {
  readonly shared: string | undefined;
  /** By normalised repository URL (normalizeRepoUrl). */
  readonly byRepo: ReadonlyMap<string, string>;
}

export const NO_WEBHOOK_SECRETS: WebhookSecrets = { shared: undefined, byRepo: new Map() };

/** Secrets shorter than this are refused: a guessable secret lets anyone make every agent fetch. */
export const SECRET_MIN_LENGTH = 16;
export const SECRET_MAX_LENGTH = 1024;

export interface SecretsInput {
  /** The shared secret and where it came from (`--webhook-secret-file F`, `FERRY_HUB_WEBHOOK_SECRET`). */
  readonly shared?: { readonly text: string; readonly source: string; readonly fromFile: boolean };
  /** The per-repository JSON object `{"<repo URL>": "<secret>"}` and where it came from. */
  readonly perRepo?: { readonly text: string; readonly source: string };
}

export type SecretsResult =
  | { readonly ok: true; readonly secrets: WebhookSecrets }
  | { readonly ok: false; readonly errors: readonly string[] };

function lengthProblem(secret: string): string | undefined {
  if (secret.length < SECRET_MIN_LENGTH) return `must be at least ${SECRET_MIN_LENGTH} characters`;
  if (secret.length > SECRET_MAX_LENGTH) return `must be at most ${SECRET_MAX_LENGTH} characters`;
  return undefined;
}

export function parseWebhookSecrets(input: SecretsInput): SecretsResult {
  const errors: string[] = [];
  let shared: string | undefined;
  if (input.shared !== undefined) {
    // A file usually ends with a newline; the variable is taken as it is.
    const secret = input.shared.fromFile ? input.shared.text.trim() : input.shared.text;
    const problem = lengthProblem(secret);
    if (problem === undefined) shared = secret;
    else errors.push(`${input.shared.source}: the secret ${problem}`);
  }
  const byRepo = new Map<string, string>();
  const keyOf = new Map<string, string>();
  if (input.perRepo !== undefined) {
    const { source } = input.perRepo;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.perRepo.text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      errors.push(`${source}: must be a JSON object {"<repository URL>": "<secret>", ...}`);
    } else {
      for (const [url, secret] of Object.entries(parsed)) {
        const repo = normalizeRepoUrl(url);
        const problem =
          repo === undefined
            ? 'is not a repository URL (https://host/org/repo, git@host:org/repo)'
            : typeof secret !== 'string'
              ? 'its secret must be a string'
              : lengthProblem(secret);
        if (problem !== undefined || repo === undefined || typeof secret !== 'string') {
          errors.push(`${source}: key ${JSON.stringify(url)}: ${problem ?? 'is not valid'}`);
          continue;
        }
        const earlier = keyOf.get(repo);
        if (earlier !== undefined && byRepo.get(repo) !== secret) {
          errors.push(
            `${source}: keys ${JSON.stringify(earlier)} and ${JSON.stringify(url)} are the same repository (${repo}) with different secrets`,
          );
          continue;
        }
        keyOf.set(repo, url);
        byRepo.set(repo, secret);
      }
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, secrets: { shared, byRepo } };
}

export type SecretChoice =
  | { readonly ok: true; readonly secret: string; readonly scope: 'repository' | 'shared' }
  | { readonly ok: false; readonly problem: string };

/**
 * The secret a delivery for these repositories (normalised URLs, one repository under its several
 * URLs) is checked with: the repository's own, else the shared one. Two different own secrets among
 * the URLs, or none at all, is a refusal.
 */
export function secretFor(secrets: WebhookSecrets, repos: readonly string[]): SecretChoice {
  const own = [...new Set(repos.flatMap((repo) => secrets.byRepo.get(repo) ?? []))];
  if (own.length > 1)
    return {
      ok: false,
      problem: `the repository URLs ${repos.join(', ')} have different secrets configured`,
    };
  const [secret] = own;
  if (secret !== undefined) return { ok: true, secret, scope: 'repository' };
  if (secrets.shared !== undefined) return { ok: true, secret: secrets.shared, scope: 'shared' };
  return {
    ok: false,
    problem:
      `no webhook secret is configured for ${repos.join(', ')}, and no shared one: ` +
      'the hub relays no push it cannot authenticate (see --webhook-secret-file, --webhook-secrets)',
  };
}
