// The Git providers whose push events the relay takes, told apart by their event header, and how each
// proves a delivery: GitHub and Gitea sign the raw body (HMAC-SHA256, hex), GitLab sends the shared
// secret itself. Gitea also sends GitHub's headers, so it is recognised first.

export const PROVIDERS = {
  gitea: {
    eventHeader: 'x-gitea-event',
    pushEvents: ['push'],
    proof: { kind: 'hmac', header: 'X-Gitea-Signature', prefix: '' },
  },
  gitlab: {
    eventHeader: 'x-gitlab-event',
    pushEvents: ['Push Hook', 'Tag Push Hook'],
    proof: { kind: 'token', header: 'X-Gitlab-Token' },
  },
  github: {
    eventHeader: 'x-github-event',
    pushEvents: ['push'],
    proof: { kind: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=' },
  },
} as const;

export type Provider = keyof typeof PROVIDERS;
export type Proof = (typeof PROVIDERS)[Provider]['proof'];

/** The order providers are recognised in: Gitea first, as it sends X-GitHub-Event too. */
const ORDER: readonly Provider[] = ['gitea', 'gitlab', 'github'];

export interface Delivery {
  readonly provider: Provider;
  /** The event header's value: `push`, `ping`, `Tag Push Hook`... */
  readonly event: string;
  readonly isPush: boolean;
}

/** The provider and event of a delivery, by its headers; undefined when no provider's event header is there. */
export function recognise(header: (name: string) => string | undefined): Delivery | undefined {
  for (const provider of ORDER) {
    const event = header(PROVIDERS[provider].eventHeader)?.trim();
    if (event === undefined || event === '') continue;
    const pushEvents: readonly string[] = PROVIDERS[provider].pushEvents;
    return { provider, event, isPush: pushEvents.includes(event) };
  }
  return undefined;
}
