// A push event as each provider words it, read into one shape: the ref, whether it was deleted, and
// the repository's URLs (web, HTTP clone and SSH clone) to match clusters by. Only the fields the
// relay uses are read; the rest of a payload is ignored. Pure.
import { z } from 'zod';
import type { Push } from './push-ref.ts';
import type { Provider } from './providers.ts';

export interface PushEvent extends Push {
  /** The commit the ref now points at (all zeros when it was deleted). */
  readonly after: string;
  /** Every URL the payload gives for the repository, as written. */
  readonly repoUrls: readonly string[];
}

export type ParsedPush =
  { readonly ok: true; readonly push: PushEvent } | { readonly ok: false; readonly problem: string };

const ZERO_SHA = /^0+$/;
const url = z.string().min(1).max(2048);

/** GitHub's and Gitea's push (Gitea copies GitHub's shape). */
const githubLike = z.object({
  ref: z.string().min(1).max(1024),
  after: z.string().max(128),
  deleted: z.boolean().optional(),
  repository: z.object({
    html_url: url.optional(),
    clone_url: url.optional(),
    ssh_url: url.optional(),
  }),
});

const gitlabUrls = z.object({
  web_url: url.optional(),
  homepage: url.optional(),
  git_http_url: url.optional(),
  git_ssh_url: url.optional(),
});

const gitlab = z.object({
  ref: z.string().min(1).max(1024),
  after: z.string().max(128),
  project: gitlabUrls.optional(),
  repository: gitlabUrls.optional(),
});

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return field === '' ? `request body: ${issue.message}` : `body field ${field}: ${issue.message}`;
    })
    .join('; ');
}

function defined(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

function read<S extends z.ZodType>(schema: S, body: unknown): { data: z.output<S> } | { problem: string } {
  const result = schema.safeParse(body);
  return result.success ? { data: result.data } : { problem: describe(result.error.issues) };
}

export function parsePush(provider: Provider, body: unknown): ParsedPush {
  let ref: string;
  let after: string;
  let deleted: boolean;
  let repoUrls: string[];
  if (provider === 'gitlab') {
    const parsed = read(gitlab, body);
    if ('problem' in parsed) return { ok: false, problem: parsed.problem };
    const { project, repository } = parsed.data;
    ({ ref, after } = parsed.data);
    deleted = ZERO_SHA.test(after);
    repoUrls = defined([
      project?.web_url,
      project?.git_http_url,
      project?.git_ssh_url,
      repository?.homepage,
      repository?.git_http_url,
      repository?.git_ssh_url,
    ]);
    if (repoUrls.length === 0)
      return { ok: false, problem: 'body field project: must hold web_url, git_http_url or git_ssh_url' };
  } else {
    const parsed = read(githubLike, body);
    if ('problem' in parsed) return { ok: false, problem: parsed.problem };
    const { repository } = parsed.data;
    ({ ref, after } = parsed.data);
    deleted = parsed.data.deleted === true || ZERO_SHA.test(after);
    repoUrls = defined([repository.html_url, repository.clone_url, repository.ssh_url]);
    if (repoUrls.length === 0)
      return { ok: false, problem: 'body field repository: must hold html_url, clone_url or ssh_url' };
  }
  return { ok: true, push: { ref, after, deleted, repoUrls } };
}
