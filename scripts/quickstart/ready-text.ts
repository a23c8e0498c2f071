// What the quick start prints once the cluster is Ready: what runs, the hub's URL and admin token, how
// to point `ferry` and kubectl at them, and three things to try with commands ready to paste. Pure.
import { NAMES } from './layout.ts';

export interface ReadyFacts {
  readonly mode: 'local' | 'kubeconfig';
  readonly kubeconfig: string;
  /** The local API server's URL (local mode). */
  readonly apiServer: string | undefined;
  readonly git: {
    readonly url: string;
    readonly urlWithCredentials: string;
    readonly user: string;
    readonly pid: number;
  };
  readonly hub: { readonly url: string; readonly token: string; readonly pid: number; readonly log: string };
  readonly agent: {
    readonly mode: 'in-cluster-runner' | 'kubeconfig';
    readonly pid: number;
    readonly log: string;
    readonly identity: string;
  };
  readonly ready: { readonly sha: string; readonly health: string; readonly seconds: number };
  /** The built `ferry` (hub/dist/cli/main.js). */
  readonly ferryMain: string;
  readonly dir: string;
  readonly exitWhenReady: boolean;
}

/** Single-quoted for a POSIX shell when it needs quoting. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function readyText(facts: ReadyFacts): string {
  const q = shellQuote;
  const cluster =
    facts.mode === 'local'
      ? `cluster ${NAMES.cluster}   a real kube-apiserver 1.20 + etcd at ${facts.apiServer ?? '?'}; no kubelet:\n` +
        `                  Pods are made Running and Ready by a SIMULATED kubelet (no container runs)`
      : `cluster         the one in ${facts.kubeconfig} (the agent runs on this machine with it)`;
  const agent =
    facts.agent.mode === 'in-cluster-runner'
      ? `agent           pid ${facts.agent.pid}, as Pod ${facts.agent.identity} of Deployment ferry-system/ferry-agent\n` +
        `                  (its ServiceAccount, env and mounts); log ${facts.agent.log}`
      : `agent           pid ${facts.agent.pid}, ferry-agent run --kubeconfig ${facts.kubeconfig}; log ${facts.agent.log}`;
  const clone = `${facts.dir}/${NAMES.repo}`;
  const lines = [
    '',
    `Ready: cluster ${NAMES.cluster} applied ${facts.ready.sha.slice(0, 7)} (${facts.ready.health}) ${facts.ready.seconds.toFixed(0)} s after the agent started.`,
    '',
    'Running on this machine:',
    `  ${cluster}`,
    `  Git server      ${facts.git.url} (pid ${facts.git.pid}), user ${facts.git.user}`,
    `  hub             ${facts.hub.url} (pid ${facts.hub.pid}); log ${facts.hub.log}`,
    `  ${agent}`,
    '',
    `Hub URL:      ${facts.hub.url}`,
    `Admin token:  ${facts.hub.token}`,
    '',
    'In another terminal, point ferry and kubectl at them:',
    `  alias ferry=${q(`node ${facts.ferryMain}`)}`,
    `  export FERRY_HUB=${q(facts.hub.url)} FERRY_TOKEN=${q(facts.hub.token)}`,
    `  export KUBECONFIG=${q(facts.kubeconfig)}`,
    `  # or, to save the hub and token in ~/.config/ferry/config.json instead of FERRY_HUB/FERRY_TOKEN:`,
    `  ferry login --hub ${q(facts.hub.url)} --token ${q(facts.hub.token)}`,
    '',
    'Three things to try:',
    '',
    `1. Commit a change to the example repo and see it applied (the agent looks every 60 s; the`,
    `   refresh asks it to fetch now):`,
    `     git clone ${q(facts.git.urlWithCredentials)} ${q(clone)} && cd ${q(clone)}`,
    `     sed -i 's/replicas: 2/replicas: 3/' ${NAMES.path}/app.yaml`,
    `     git -c user.name=you -c user.email=you@example.com commit -qam 'hello: 3 replicas' && git push -q`,
    `     curl -s -X POST -H "Authorization: Bearer $FERRY_TOKEN" "$FERRY_HUB/api/v1/clusters/${NAMES.cluster}/refresh"`,
    `     kubectl -n ${NAMES.targetNamespace} get deployment hello      # READY 3/3 once applied`,
    `     ferry cluster get ${NAMES.cluster}                  # Applied revision: the new commit`,
    '',
    '2. See the fleet from the hub:',
    `     ferry status`,
    `     ferry status --watch                     # live, until Ctrl-C`,
    `     ferry cluster get ${NAMES.cluster}`,
    '',
    '3. Change a managed object by hand and see the drift healed within seconds:',
    `     kubectl -n ${NAMES.targetNamespace} patch configmap hello-config --type merge -p '{"data":{"greeting":"edited by hand"}}'`,
    `     kubectl -n ${NAMES.targetNamespace} get configmap hello-config -o jsonpath='{.data.greeting}{"\\n"}'   # Hello from Git again`,
    `     kubectl -n ${NAMES.agentNamespace} get gitsync ferry -o jsonpath='{.status.drift}{"\\n"}'   # detected, healed, who changed what`,
    `     kubectl -n ${NAMES.agentNamespace} get events --field-selector reason=DriftHealed`,
    `     curl -s -H "Authorization: Bearer $FERRY_TOKEN" "$FERRY_HUB/api/v1/clusters/${NAMES.cluster}/drift"`,
    `   (kubectl -n ${NAMES.targetNamespace} edit configmap hello-config does the same interactively.)`,
    '',
    `State and logs: ${facts.dir}`,
    facts.exitWhenReady
      ? '--exit-when-ready: stopping everything now.'
      : 'Ctrl-C stops everything this started.',
    '',
  ];
  return lines.join('\n');
}
