// One commit → applied run. From rest: a new value for the ConfigMap is committed and pushed to the
// harness Git server over HTTP (receive-pack, authenticated); t0 is when the push has finished. At once
// the run asks for a fetch, either
//   webhook:    a signed GitHub push delivery to the hub, which hints the agent over its connection, or
//   annotation: a new `ferry.dev/requested-at` on the GitSync (the merge patch `kubectl annotate`
//               sends), the agent's own way in, without the hub: its floor;
// t1 is when a watch of the API server delivers the new value. The hub's and the agent's logs and the
// agent's /metrics say where the time went; the run ends when the agent's sync is done and all is at rest.
import { readFileSync } from 'node:fs';
import { waitFor } from '../../test/harness/src/index.ts';
import { fetchTotals, oneFetchMs } from './agent-metrics.ts';
import { fetchRequests, gitRequestsSince } from './git-requests.ts';
import { deliverPush } from './github-push.ts';
import { CLUSTER, OBJECT, settings, type BenchFleet } from './fleet.ts';
import { agentMarks, linesSince, logOffset, relayedAt } from './log-marks.ts';
import { waitAtRest } from './rest.ts';
import { watchValue } from './value-watch.ts';

export const COMMIT_PATHS = ['webhook', 'annotation'] as const;
export type CommitPath = (typeof COMMIT_PATHS)[number];

/** The trigger the agent logs for a sync each path asks for. */
const AGENT_TRIGGER: Record<CommitPath, string> = { webhook: 'hint', annotation: 'requested' };

const GITSYNC_PATH = '/apis/ferry.dev/v1alpha1/namespaces/ferry-system/gitsyncs/ferry';
const REQUESTED_AT = 'ferry.dev/requested-at';
const VISIBLE_TIMEOUT_MS = 60_000;

export interface CommitRun {
  readonly path: CommitPath;
  readonly value: string;
  readonly sha: string;
  /** Whether everything was at rest when the run began. */
  readonly rested: boolean;
  /** t0: when the push finished (ms since the epoch). */
  readonly pushedAt: number;
  /** git add + commit + push over HTTP (before t0; not in the measure). */
  readonly pushMs: number;
  /** t0 → the value visible through the API server: the measure. */
  readonly appliedMs: number;
  /** t0 → the hub's 202 (webhook) or the API server's answer to the patch (annotation). */
  readonly askedMs: number;
  /** t0 → the hub's "webhook relayed" (its hints sent); NaN for the annotation. */
  readonly relayedMs: number;
  /** t0 → the agent's "refresh hint: fetching now"; NaN for the annotation. */
  readonly hintMs: number;
  /** t0 → the agent's "sync started". */
  readonly syncStartMs: number;
  /** The sync's Git fetch, as the agent's metrics timed it. */
  readonly fetchMs: number;
  /** The fetch's requests to the Git server, and the time the server spent on them (its log). */
  readonly gitRequests: number;
  readonly gitServerMs: number;
  /** t0 → the agent's "sync done" (after the health check and its status patch). */
  readonly syncDoneMs: number;
  /** The agent's own timing of the sync (fetch → prune). */
  readonly syncMs: number;
}

export interface CommitRunOptions {
  readonly path: CommitPath;
  readonly value: string;
}

export async function measureCommit(bench: BenchFleet, options: CommitRunOptions): Promise<CommitRun> {
  const { path, value } = options;
  const repos = bench.harness.repos();
  const object = `ConfigMap/${bench.appNamespace}/${OBJECT}`;
  const rested = await waitAtRest(
    { agentPid: bench.agent.pid, serverPids: bench.serverPids },
    `the ${path} run for ${value}`,
  );
  const watch = await watchValue(bench.http, bench.appNamespace, OBJECT);
  const agentLog = bench.agent.logFile;
  const hubLog = bench.fleet.hub.logFile;
  const gitLog = bench.harness.gitServer().process.logFile;
  const offsets = { agent: logOffset(agentLog), hub: logOffset(hubLog), git: logOffset(gitLog) };
  const fetchBefore = await fetchTotals(bench.agentPort);
  const trigger = AGENT_TRIGGER[path];
  try {
    const before = await repos.head(bench.repo, 'main');
    const pushStart = Date.now();
    const sha = await repos.commit(
      bench.repo,
      { [bench.file]: settings(bench.appNamespace, value) },
      { overHttp: true, message: `bench: ${OBJECT} ${value}` },
    );
    const t0 = Date.now();
    if (path === 'webhook')
      await deliverPush(
        bench.fleet.hub,
        { repoUrl: bench.repoUrl, branch: 'main', before, after: sha, secret: bench.secret },
        CLUSTER,
      );
    else await bench.http.patch(GITSYNC_PATH, { metadata: { annotations: { [REQUESTED_AT]: value } } });
    const asked = Date.now();
    const t1 = await watch.seen(value, VISIBLE_TIMEOUT_MS, () => {
      const marks = agentMarks(linesSince(agentLog, offsets.agent), trigger);
      return `${object} via the ${path}: agent marks ${JSON.stringify(marks)}; agent log tail:\n${readFileSync(agentLog, 'utf8').slice(-3000)}`;
    });
    // The sync goes on after the value is visible (health, status, the hub's report): wait for its end.
    const marks = await waitFor(
      () => {
        const found = agentMarks(linesSince(agentLog, offsets.agent), trigger);
        return found.syncDoneAt === undefined ? undefined : found;
      },
      { what: `the agent's ${trigger} sync of ${sha} to be done`, timeoutMs: 120_000, intervalMs: 100 },
    );
    if (marks.syncPhase !== 'ready')
      throw new Error(`the ${trigger} sync of ${sha} ended ${String(marks.syncPhase)}, not ready`);
    if (marks.hintsDropped > 0)
      throw new Error(`the agent deferred ${String(marks.hintsDropped)} refresh hint(s) as too soon`);
    await waitAtRest({ agentPid: bench.agent.pid, serverPids: bench.serverPids }, `the end of ${value}`);
    const since = (time: number | undefined): number => (time === undefined ? Number.NaN : time - t0);
    const git = fetchRequests(gitRequestsSince(gitLog, offsets.git), bench.repo, t0, marks.syncDoneAt ?? t1);
    return {
      path,
      value,
      sha,
      rested,
      pushedAt: t0,
      pushMs: t0 - pushStart,
      appliedMs: t1 - t0,
      askedMs: asked - t0,
      relayedMs: since(relayedAt(linesSince(hubLog, offsets.hub))),
      hintMs: since(marks.hintAt),
      syncStartMs: since(marks.syncStartedAt),
      fetchMs: oneFetchMs(fetchBefore, await fetchTotals(bench.agentPort)),
      gitRequests: git.requests,
      gitServerMs: git.serverMs,
      syncDoneMs: since(marks.syncDoneAt),
      syncMs: marks.syncDurationMs ?? Number.NaN,
    };
  } finally {
    await watch.close();
  }
}
