// The Git webhook relay's core: which provider sent a delivery, whether it holds the secret (HMAC of the
// raw body, or GitLab's token), what a push says, and which clusters it concerns. Pure; the API route
// (api/routes/webhooks.ts) reads the request, sends the refresh hints and logs.
export {
  matchFollowers,
  pushedRepos,
  type EnrolledSource,
  type Followers,
  type LiveSource,
} from './match-followers.ts';
export { normalizeRepoUrl } from './normalize-repo.ts';
export { parsePush, type ParsedPush, type PushEvent } from './parse-push.ts';
export { PROVIDERS, recognise, type Delivery, type Provider } from './providers.ts';
export { pushedRef } from './push-ref.ts';
export {
  NO_WEBHOOK_SECRETS,
  parseWebhookSecrets,
  secretFor,
  type SecretsInput,
  type WebhookSecrets,
} from './secrets.ts';
export { verifyDelivery, type Verdict } from './verify-delivery.ts';
export { readWebhookSecrets, WebhookSecretsError, type WebhookSecretSources } from './read-secrets.ts';
