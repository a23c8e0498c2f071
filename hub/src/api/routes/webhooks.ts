// The Git webhook relay: a push from GitHub, GitLab or Gitea (no API token: the provider's signature,
// or GitLab's token, is the authority) becomes a refresh hint to every connected agent that follows
// the pushed repository and ref. The hint says only "fetch now"; the agent fetches what its own
// GitSync names. One log line per delivery, never with a secret or a signature.
import { BOUNDS } from '@ferry/shared/protocol';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Store } from '../../store/index.ts';
import {
  matchFollowers,
  NO_WEBHOOK_SECRETS,
  parsePush,
  pushedRef,
  pushedRepos,
  recognise,
  secretFor,
  verifyDelivery,
  PROVIDERS,
  type EnrolledSource,
} from '../../webhooks/index.ts';
import type { AppDeps, AppEnv } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { noQuerySchema } from '../schemas.ts';
import { readQuery } from '../validate.ts';

export const WEBHOOK_PATH = '/api/v1/webhooks/git';

/** Larger pushes (providers send up to 25 MB) are refused: their agents fetch on their interval. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface WebhookAnswer {
  readonly provider: string;
  /** The pushed repository, normalised: `host[:port]/path`. */
  readonly repo: string;
  readonly ref: string;
  /** Clusters whose agent was sent a refresh hint. */
  readonly hinted: readonly string[];
  /** Clusters that follow the push but whose agent is not connected. */
  readonly notConnected: readonly string[];
}

/** Every cluster's registered source, page by page. */
function* enrolledSources(store: Store): Generator<EnrolledSource> {
  let after: string | undefined;
  do {
    const page = store.listClusters({ limit: 500, ...(after === undefined ? {} : { after }) });
    for (const cluster of page.items) yield { cluster: cluster.name, repo: cluster.repo, ref: cluster.ref };
    after = page.next;
  } while (after !== undefined);
}

function readJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    throw new ApiError(
      'invalid',
      "request body: must be JSON (set the webhook's content type to application/json)",
      {
        cause: error,
      },
    );
  }
}

export function webhookRoutes({ store, channel, log, webhooks }: AppDeps): Hono<AppEnv> {
  const secrets = webhooks?.secrets ?? NO_WEBHOOK_SECRETS;
  const routes = new Hono<AppEnv>();
  const limit = bodyLimit({
    maxSize: MAX_WEBHOOK_BODY_BYTES,
    onError: (c) => {
      log.warn('webhook refused', { problem: 'body too large' });
      const error = new ApiError(
        'invalid',
        `request body: must be at most ${MAX_WEBHOOK_BODY_BYTES} bytes; a larger push is not relayed ` +
          '(the agents fetch it on their interval)',
      );
      return c.json(error.toBody(), 400);
    },
  });

  routes.post('/webhooks/git', limit, async (c) => {
    readQuery(c, noQuerySchema);
    const header = (name: string): string | undefined => c.req.header(name);
    const delivery = recognise(header);
    if (delivery === undefined) {
      log.warn('webhook refused', { problem: 'no provider event header' });
      throw new ApiError(
        'invalid',
        'request headers: none of X-GitHub-Event, X-Gitea-Event or X-Gitlab-Event: ' +
          'not a delivery from a provider the hub takes (GitHub, GitLab, Gitea)',
      );
    }
    const { provider, event } = delivery;
    if (!delivery.isPush) {
      log.info('webhook ignored', { provider, event });
      return c.json({ provider, event, relayed: false }, 200);
    }
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const parsed = parsePush(provider, readJson(raw));
    if (!parsed.ok) throw new ApiError('invalid', parsed.problem);
    const { push } = parsed;
    const repos = pushedRepos(push.repoUrls);
    const [repo] = repos;
    if (repo === undefined)
      throw new ApiError(
        'invalid',
        `body field repository: none of ${push.repoUrls.join(', ')} is a repository URL`,
      );

    const choice = secretFor(secrets, repos);
    const verdict = choice.ok
      ? verifyDelivery(PROVIDERS[provider].proof, header, raw, choice.secret)
      : choice;
    if (!verdict.ok) {
      log.warn('webhook refused', { provider, repo, ref: push.ref, problem: verdict.problem });
      throw new ApiError('unauthorized', verdict.problem);
    }

    const followers = matchFollowers({ ...push, repos }, enrolledSources(store), channel.following());
    const pushed = pushedRef(push.ref);
    const what =
      pushed.kind === 'branch' ? pushed.name : pushed.kind === 'tag' ? `tag ${pushed.name}` : push.ref;
    const reason = `push to ${what} by ${provider}`.slice(0, BOUNDS.reason);
    const hinted: string[] = [];
    const notConnected = [...followers.notConnected];
    for (const cluster of followers.connected) {
      if (channel.refresh(cluster, reason)) hinted.push(cluster);
      else notConnected.push(cluster);
    }
    log.info('webhook relayed', {
      provider,
      repo,
      ref: push.ref,
      deleted: push.deleted,
      hinted: hinted.length,
      notConnected: notConnected.length,
    });
    const answer: WebhookAnswer = {
      provider,
      repo,
      ref: push.ref,
      hinted,
      notConnected: notConnected.sort(),
    };
    return c.json(answer, 202);
  });

  return routes;
}
