// The webhook secrets the configuration names, read once at the hub's start: the shared one from
// --webhook-secret-file (or FERRY_HUB_WEBHOOK_SECRET itself), the per-repository ones from the JSON
// file --webhook-secrets. The reader is given, so this stays testable without files; a problem throws,
// naming the flag and file, never a secret.
import { parseWebhookSecrets, type SecretsInput, type WebhookSecrets } from './secrets.ts';

export interface WebhookSecretSources {
  /** A file holding the shared secret (--webhook-secret-file). */
  readonly sharedFile: string | undefined;
  /** The shared secret itself (FERRY_HUB_WEBHOOK_SECRET); the file wins. */
  readonly shared: string | undefined;
  /** A JSON file {"<repository URL>": "<secret>"} (--webhook-secrets, FERRY_HUB_WEBHOOK_SECRETS). */
  readonly perRepoFile: string | undefined;
}

export class WebhookSecretsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookSecretsError';
  }
}

export function readWebhookSecrets(
  sources: WebhookSecretSources,
  readText: (path: string) => string,
): WebhookSecrets {
  const read = (path: string, flag: string): string => {
    try {
      return readText(path);
    } catch (error) {
      throw new WebhookSecretsError(`${flag} ${path}: cannot read it: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  const { sharedFile, shared, perRepoFile } = sources;
  const input: SecretsInput = {
    ...(sharedFile !== undefined
      ? {
          shared: {
            text: read(sharedFile, '--webhook-secret-file'),
            source: `--webhook-secret-file ${sharedFile}`,
            fromFile: true,
          },
        }
      : shared !== undefined
        ? { shared: { text: shared, source: 'FERRY_HUB_WEBHOOK_SECRET', fromFile: false } }
        : {}),
    ...(perRepoFile !== undefined
      ? {
          perRepo: {
            text: read(perRepoFile, '--webhook-secrets'),
            source: `--webhook-secrets ${perRepoFile}`,
          },
        }
      : {}),
  };
  const result = parseWebhookSecrets(input);
  if (!result.ok) throw new WebhookSecretsError(result.errors.join('; '));
  return result.secrets;
}
