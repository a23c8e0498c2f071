// The webhook a run delivers: a GitHub push delivery for a harness repo, signed with the hub's shared
// secret over the exact bytes sent (`X-Hub-Signature-256`), as GitHub sends it after a push. The
// hub's 202 answer must name the benchmark's cluster as hinted, or the run measures nothing.
import { createHmac, randomUUID } from 'node:crypto';
import type { HubProcess } from '../../test/e2e/hub-process.ts';

export const WEBHOOK_PATH = '/api/v1/webhooks/git';

export interface PushDelivery {
  readonly repoUrl: string;
  readonly branch: string;
  readonly before: string;
  readonly after: string;
  readonly secret: string;
}

interface WebhookAnswer {
  readonly hinted?: readonly string[];
  readonly notConnected?: readonly string[];
}

/** The payload's fields the hub reads (and a few it does not), in GitHub's own order. */
export function githubPushBody(push: PushDelivery): string {
  const web = push.repoUrl.replace(/\.git$/, '');
  const body = {
    ref: `refs/heads/${push.branch}`,
    before: push.before,
    after: push.after,
    repository: { name: 'bench', full_name: 'bench/webhook', html_url: web, clone_url: push.repoUrl },
    pusher: { name: 'bench', email: 'bench@example.invalid' },
    head_commit: { id: push.after, message: 'bench: one value changed' },
    deleted: false,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function githubSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** POSTs the signed push to the hub; throws unless the hub answers 202 with `cluster` hinted. */
export async function deliverPush(hub: HubProcess, push: PushDelivery, cluster: string): Promise<void> {
  const body = githubPushBody(push);
  const answer = await hub.fetch('POST', WEBHOOK_PATH, {
    headers: {
      'content-type': 'application/json',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': randomUUID(),
      'X-Hub-Signature-256': githubSignature(body, push.secret),
    },
    body,
  });
  if (answer.status !== 202)
    throw new Error(`POST ${WEBHOOK_PATH} for ${push.after}: ${answer.status}, not 202: ${answer.text}`);
  const relayed = JSON.parse(answer.text) as WebhookAnswer;
  if (!(relayed.hinted ?? []).includes(cluster))
    throw new Error(
      `POST ${WEBHOOK_PATH} for ${push.after}: cluster ${cluster} was not hinted: ${answer.text}`,
    );
}
