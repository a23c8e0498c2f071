// The webhook benchmark's Markdown for bench/RESULTS.md: the measures against the target (medians of
// the measured rounds; a difference is the median of each round's own difference), where the time
// went (medians, from the logs and the agent's metrics), then every raw value.
import { median } from '../agent-proc.ts';
import type { CommitRun } from './measure-commit.ts';
import type { ReferenceRun } from './measure-reference.ts';

/** One round: the webhook run, the two reference applies, then the annotation run. */
export interface Round {
  readonly webhook: CommitRun;
  readonly kubectl: ReferenceRun;
  readonly ssaPatch: ReferenceRun;
  readonly annotation: CommitRun;
}

export interface WebhookBenchResults {
  readonly heading: string;
  readonly rounds: readonly Round[];
  /** Rounds run first to warm caches and connections, not counted. */
  readonly warmup: readonly Round[];
}

/** The target: commit → applied at most this much beyond the API server's own time. */
export const TARGET_MS = 2_000;

const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${String(Math.round(value))} ms`);
const list = (values: readonly number[]): string =>
  values.map((v) => (Number.isNaN(v) ? 'n/a' : String(Math.round(v)))).join(', ');
const met = (ok: boolean): string => (ok ? 'yes' : '**no**');

export function renderWebhookBench(r: WebhookBenchResults): string {
  const rounds = r.rounds;
  const of = (pick: (round: Round) => number): number[] => rounds.map(pick);
  const webhook = of((x) => x.webhook.appliedMs);
  const annotation = of((x) => x.annotation.appliedMs);
  const kubectl = of((x) => x.kubectl.appliedMs);
  const ssa = of((x) => x.ssaPatch.appliedMs);
  const overKubectl = of((x) => x.webhook.appliedMs - x.kubectl.appliedMs);
  const floorOverKubectl = of((x) => x.annotation.appliedMs - x.kubectl.appliedMs);
  const overSsa = of((x) => x.webhook.appliedMs - x.ssaPatch.appliedMs);
  const notRested = rounds
    .flatMap((x) => [x.webhook, x.kubectl, x.ssaPatch, x.annotation])
    .filter((run) => !run.rested).length;
  const n = String(rounds.length);
  const step = (pick: (run: CommitRun) => number, format = ms): string =>
    `${format(median(of((x) => pick(x.webhook))))} | ${format(median(of((x) => pick(x.annotation))))}`;
  const count = (value: number): string => String(value);
  return [
    r.heading,
    '',
    `| measure (median of ${n}) | result | target | met |`,
    '| --- | --- | --- | --- |',
    `| commit → applied, webhook: push done → the value visible through the API server | ${ms(median(webhook))} | | |`,
    `| the API server's own time: \`kubectl apply --server-side\` start → visible | ${ms(median(kubectl))} | | |`,
    `| **commit → applied beyond the API server's own time** (each round's webhook − kubectl) | **${ms(median(overKubectl))}** | < ${String(TARGET_MS / 1000)} s | ${met(median(overKubectl) < TARGET_MS)} |`,
    `| commit → applied, \`ferry.dev/requested-at\` instead of the webhook (the agent's floor, no hub) | ${ms(median(annotation))} | | |`,
    `| the floor beyond the API server's own time (annotation − kubectl) | ${ms(median(floorOverKubectl))} | | |`,
    `| the API server alone: one server-side apply PATCH, start → visible | ${ms(median(ssa))} | | |`,
    `| commit → applied beyond the API server alone (webhook − PATCH) | ${ms(median(overSsa))} | | |`,
    '',
    `Where the time went (medians of ${n}, ms after the push finished):`,
    '',
    '| step | webhook | annotation |',
    '| --- | --- | --- |',
    `| the hub answered 202 / the API server answered the annotation's patch | ${step((x) => x.askedMs)} |`,
    `| the hub logged "webhook relayed" (hint sent) | ${ms(median(of((x) => x.webhook.relayedMs)))} | |`,
    `| the agent logged the hint ("refresh hint: fetching now") | ${ms(median(of((x) => x.webhook.hintMs)))} | |`,
    `| the agent's sync started | ${step((x) => x.syncStartMs)} |`,
    `| of the sync: the Git fetch took (agent's metrics) | ${step((x) => x.fetchMs)} |`,
    `| of the fetch: requests to the Git server (git http-backend) | ${step((x) => x.gitRequests, count)} |`,
    `| of the fetch: the time the Git server spent serving them (summed) | ${step((x) => x.gitServerMs)} |`,
    `| the value visible through the API server | ${step((x) => x.appliedMs)} |`,
    `| the agent's sync done (health checked, status written) | ${step((x) => x.syncDoneMs)} |`,
    `| the sync as the agent timed it (fetch → prune) | ${step((x) => x.syncMs)} |`,
    '',
    `Raw values (ms, in round order; ${String(notRested)} of ${String(rounds.length * 4)} runs did not start at rest):`,
    '',
    `- webhook, push done → visible: ${list(webhook)}`,
    `- kubectl apply --server-side, start → visible: ${list(kubectl)} (kubectl exited after ${list(of((x) => x.kubectl.answeredMs))})`,
    `- webhook − kubectl: ${list(overKubectl)}`,
    `- annotation, push done → visible: ${list(annotation)}`,
    `- annotation − kubectl: ${list(floorOverKubectl)}`,
    `- server-side apply PATCH, start → visible: ${list(ssa)} (answered after ${list(of((x) => x.ssaPatch.answeredMs))})`,
    `- webhook: hub 202 ${list(of((x) => x.webhook.askedMs))}; relayed ${list(of((x) => x.webhook.relayedMs))}; hint at the agent ${list(of((x) => x.webhook.hintMs))}; sync started ${list(of((x) => x.webhook.syncStartMs))}; fetch ${list(of((x) => x.webhook.fetchMs))} (Git server ${list(of((x) => x.webhook.gitServerMs))} in ${list(of((x) => x.webhook.gitRequests))} requests); sync done ${list(of((x) => x.webhook.syncDoneMs))}`,
    `- annotation: patch answered ${list(of((x) => x.annotation.askedMs))}; sync started ${list(of((x) => x.annotation.syncStartMs))}; fetch ${list(of((x) => x.annotation.fetchMs))} (Git server ${list(of((x) => x.annotation.gitServerMs))} in ${list(of((x) => x.annotation.gitRequests))} requests); sync done ${list(of((x) => x.annotation.syncDoneMs))}`,
    `- commit and push over HTTP (before t0, not measured): ${list(of((x) => x.webhook.pushMs))}`,
    `- warm-up rounds (not counted): webhook ${list(r.warmup.map((x) => x.webhook.appliedMs))}, kubectl ${list(r.warmup.map((x) => x.kubectl.appliedMs))}, PATCH ${list(r.warmup.map((x) => x.ssaPatch.appliedMs))}, annotation ${list(r.warmup.map((x) => x.annotation.appliedMs))}`,
    '',
  ].join('\n');
}
