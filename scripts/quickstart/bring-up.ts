// The quick start, top to bottom: the cluster (a local harness cluster, or --kubeconfig's) and the Git
// server, the example repo, the hub, the enrollment through the install manifest, the simulated
// kubelet (local cluster only), the agent, and the wait until the hub shows the cluster Ready at Git's
// head. Everything started is handed to the teardown as soon as it runs; `say` prints progress.
import { startKubeletSim, type Harness } from '../../test/harness/src/index.ts';
import { enroll } from './enroll.ts';
import { QuickstartError, step } from './errors.ts';
import { BUILT, NAMES, type StateLayout } from './layout.ts';
import type { QuickstartOptions } from './options.ts';
import { gitHead, pushExample } from './push-example.ts';
import type { ReadyFacts } from './ready-text.ts';
import { givenCluster, startGitServer, startLocalCluster, type ClusterTarget } from './start-cluster.ts';
import { startAgent } from './start-agent.ts';
import { startHub } from './start-hub.ts';
import type { Teardown } from './teardown.ts';
import { waitReady } from './wait-ready.ts';

export interface BringUpContext {
  readonly options: QuickstartOptions;
  readonly layout: StateLayout;
  readonly harness: Harness;
  readonly teardown: Teardown;
  readonly signal: AbortSignal;
  readonly say: (line: string) => void;
}

/** How long the first sync may take: the CRD, the Namespaces, then the Deployment's rollout. */
const READY_TIMEOUT_MS = 5 * 60_000;

function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) throw new QuickstartError('interrupted', 'interrupted');
}

export async function bringUp(context: BringUpContext): Promise<ReadyFacts> {
  const { options, layout, harness, teardown, signal, say } = context;
  teardown.add({
    what: () => {
      const running = harness.processes().map((record) => `${record.what} (pid ${record.pid})`);
      return running.length === 0 ? 'the harness (nothing ran)' : running.join(', ');
    },
    stop: () => harness.down(),
  });

  let cluster: ClusterTarget;
  if (options.kubeconfig === undefined) {
    say('starting a local cluster: a real kube-apiserver 1.20, kube-controller-manager and etcd ...');
    cluster = await step('starting the local cluster', () => startLocalCluster(harness));
    say(`cluster ${NAMES.cluster} is up at ${cluster.server ?? '?'}`);
  } else {
    cluster = givenCluster(options.kubeconfig);
    say(
      `using the cluster in ${cluster.kubeconfig}: the agent will run on this machine with that kubeconfig`,
    );
  }
  checkpoint(signal);

  say('starting the local Git server and pushing the example repo (examples/hello) ...');
  await step('starting the Git server', () => startGitServer(harness));
  const repo = await step('pushing the example repo', () => pushExample(harness));
  const gitUser = harness.gitServer().users[0];
  if (gitUser === undefined) throw new QuickstartError('step-failed', 'the Git server has no user');
  say(`${repo.url} at ${repo.sha.slice(0, 7)}: ${NAMES.path}/{${repo.files.join(',')}}`);
  checkpoint(signal);

  say('starting the hub (node hub/dist/main.js) ...');
  const hub = await step('starting the hub', () => startHub(layout, signal));
  teardown.add({ what: `hub (pid ${hub.ref.pid})`, stop: () => hub.stop(), processes: [hub.ref] });
  say(`hub at ${hub.url} (pid ${hub.ref.pid}), data in ${hub.dataDir}`);
  checkpoint(signal);

  say(`enrolling cluster ${NAMES.cluster} through its install manifest ...`);
  const enrollment = await step('enrolling the cluster', () =>
    enroll(hub, layout, cluster, repo.url, gitUser),
  );
  say(`$ ${enrollment.command.replace(layout.manifest, 'FILE')}`);
  for (const line of enrollment.ferrySaid.split('\n')) say(`  ${line}`);
  say(`$ kubectl apply -f ${enrollment.manifest}`);
  say(
    `Secret ${NAMES.agentNamespace}/${NAMES.credentialsSecret} created with the Git server's user (${gitUser.username}) and password: the repo is private`,
  );
  if (enrollment.scaledToZero)
    say(
      `$ kubectl -n ${NAMES.agentNamespace} scale deployment ferry-agent --replicas=0   (the agent runs on this machine instead)`,
    );
  checkpoint(signal);

  if (cluster.mode === 'local') {
    say(
      `starting a SIMULATED kubelet for namespace ${NAMES.podNamespace}: the local cluster has no kubelet, so ` +
        "this makes the example's Pods Running and Ready (no container runs)",
    );
    const kube = harness.kube(NAMES.cluster);
    const kubelet = startKubeletSim(kube, { namespace: NAMES.podNamespace, rules: [{ behaviour: 'ready' }] });
    teardown.add({
      what: 'the simulated kubelet (in this process)',
      stop: async () => {
        await kubelet.stop();
        await kube.close();
      },
    });
  }

  say(
    cluster.mode === 'local'
      ? 'starting the agent (node agent/dist/main.js run) as a Pod of the installed Deployment ferry-system/ferry-agent ...'
      : `starting the agent on this machine: node agent/dist/main.js run --kubeconfig ${cluster.kubeconfig} ...`,
  );
  const agent = await step('starting the agent', () => startAgent(harness, cluster, layout));
  teardown.add({ what: `agent (pid ${agent.ref.pid})`, stop: () => agent.stop(), processes: [agent.ref] });
  say(`agent running (pid ${agent.ref.pid}); its log: ${agent.logFile}`);

  say("waiting until the hub shows the cluster Ready at Git's head ...");
  const ready = await waitReady({
    hub,
    agent,
    cluster: NAMES.cluster,
    head: () => gitHead(harness),
    signal,
    timeoutMs: READY_TIMEOUT_MS,
    onChange: (shown) => {
      say(`  hub: ${shown}`);
    },
  });
  const git = harness.gitServer();
  return {
    mode: cluster.mode,
    kubeconfig: cluster.kubeconfig,
    apiServer: cluster.server,
    git: {
      url: repo.url,
      urlWithCredentials: repo.urlWithCredentials,
      user: gitUser.username,
      pid: git.process.pid,
    },
    hub: { url: hub.url, token: hub.adminToken, pid: hub.ref.pid, log: hub.logFile },
    agent: { mode: agent.mode, pid: agent.ref.pid, log: agent.logFile, identity: agent.identity },
    ready: {
      sha: ready.sha,
      health:
        ready.view.health === null
          ? 'no health'
          : `${ready.view.health.status}: ${ready.view.health.message}`,
      seconds: ready.seconds,
    },
    ferryMain: BUILT.ferry,
    dir: layout.dir,
    exitWhenReady: options.exitWhenReady,
  };
}
