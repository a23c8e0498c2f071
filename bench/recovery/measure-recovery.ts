// Ferry's side of one run: a cluster enrolled with the hub and synced, then the disaster (its agent
// stopped, the cluster destroyed), `POST /api/v1/clusters/NAME/recover`, and a fresh cluster rebuilt from
// the recovery manifest. t0 is the start of `kubectl apply -f <recovery manifest>`; the Git credential
// Secret follows, then the built agent is started from the installed Deployment by the in-cluster runner
// (standing in for the kubelet pulling and starting the container). Measured from t0: every object Git
// describes present as Git says (t1, watched), the GitSync Ready (t2) and the hub saying recovered (t3).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startBuiltAgent, type RunningAgent } from '../agent-process.ts';
import { agentMarks, type AgentMark } from './agent-marks.ts';
import { agentAudit, type RequestGroup } from './agent-requests.ts';
import { cpuSeconds } from '../agent-proc.ts';
import { now } from './clock.ts';
import { serverCpu } from './cpu.ts';
import { enrollCluster, installManifest, type BenchSetup } from './enroll-cluster.ts';
import type { ExpectedObject } from './expected.ts';
import { watchGitSyncPhases, type GitSyncPhases } from './gitsync-phases.ts';
import { waitHubRecovered, type HubRecovery } from './hub-cluster.ts';
import { applyInstallManifest, createGitSecret } from './install.ts';
import { ObjectWatch } from './object-watch.ts';
import { waitQuiet } from './quiet.ts';

export interface FerryRun {
  readonly loadAverage: number;
  /** Waited for the fresh cluster to be quiet before t0. */
  readonly quietMs: number;
  /** t1 - t0: every object present as Git says. The comparable one. */
  readonly objectsMs: number;
  /** t2 - t0: the GitSync Ready (everything healthy). */
  readonly readyMs: number;
  /** t3 - t0: the hub says recovered. */
  readonly recoveredMs: number;
  /** From t0: the operator's two kubectl commands, then the runner's start (the kubelet's stand-in). */
  readonly manifestAppliedMs: number;
  readonly secretCreatedMs: number;
  readonly agentSpawnedMs: number;
  /** From t0: each step the agent logged, what the GitSync showed, and the first and last object seen. */
  readonly agent: Partial<Record<AgentMark, number>>;
  readonly gitSync: Omit<GitSyncPhases, 'ready'>;
  readonly firstObjectMs: number | undefined;
  /** CPU seconds: the agent from its start to t3; the cluster's servers from t0 to t3. */
  readonly agentCpu: number;
  readonly serverCpu: number;
  /** Syncs that failed before the first that ended ready. */
  readonly failedSyncs: number;
  readonly hub: HubRecovery | null;
  /** What the recover call said it recorded as the target. */
  readonly recordedObjects: number;
  /** With `audit`: the agent's requests from t0 to t3, grouped. */
  readonly requests?: readonly RequestGroup[];
}

export interface RecoveryOptions {
  /** Node flags for the recovered agent (`--cpu-prof --cpu-prof-dir=D`). */
  readonly agentNodeFlags: readonly string[];
  /** Audit-log the recovered agent's requests (a diagnosis: it costs the API server some work). */
  readonly audit: boolean;
}

interface RecoverAnswer {
  readonly enrollment: { readonly installUrl: string };
  readonly recovery: { readonly expectedObjects: number };
}

const since = (t0: number, at: number | undefined): number | undefined =>
  at === undefined ? undefined : at - t0;

/** One recovery of hub cluster `rec-<run>`; every cluster and agent it started is gone when it returns. */
export async function measureRecovery(
  setup: BenchSetup,
  run: number,
  expected: readonly ExpectedObject[],
  options: RecoveryOptions,
): Promise<FerryRun> {
  const { harness, hub, timeoutMs } = setup;
  const name = `rec-${String(run)}`;
  const lost = `${name}-lost`;
  const fresh = `${name}-new`;

  const old = await enrollCluster(setup, name, lost);
  // The disaster: the cluster and everything in it is gone.
  await old.process.stop();
  await harness.destroyCluster(lost);
  const answer = await hub.api<RecoverAnswer>(201, 'POST', `/api/v1/clusters/${name}/recover`);
  const manifest = await installManifest(hub, answer);

  const audit = options.audit ? agentAudit(join(setup.dir, `${fresh}-audit`)) : undefined;
  await harness.addCluster(fresh, audit === undefined ? {} : { apiserverArgs: audit.apiserverArgs });
  const kube = harness.kube(fresh);
  let watch: ObjectWatch | undefined;
  let agent: RunningAgent | undefined;
  try {
    watch = await ObjectWatch.start(kube, expected);
    const quietMs = await waitQuiet(harness, fresh, timeoutMs);
    const loadAverage = loadavg()[0] ?? 0;
    const servers = serverCpu(harness, fresh);
    const serverCpuAtStart = servers();
    const t0 = now();
    await applyInstallManifest(harness, fresh, manifest);
    const manifestApplied = now();
    await createGitSecret(harness, fresh);
    const secretCreated = now();
    const running = await startBuiltAgent(
      harness,
      fresh,
      setup.buildRoot,
      join(setup.dir, fresh),
      options.agentNodeFlags,
    );
    agent = running;
    const agentSpawned = now();
    const check = (): void => {
      running.assertRunning();
    };
    const [objectsAt, phases, recovered] = await Promise.all([
      watch.complete(`every object of ${name} back as Git says`, timeoutMs, check),
      watchGitSyncPhases(kube, setup.head, timeoutMs, check),
      waitHubRecovered(hub, name, timeoutMs, check),
    ]);
    const cpu = { agent: cpuSeconds(running.pid), server: servers() - serverCpuAtStart };
    const marks = agentMarks(running.logFile);
    const { ready, ...gitSync } = phases;
    return {
      loadAverage,
      quietMs,
      objectsMs: objectsAt - t0,
      readyMs: ready - t0,
      recoveredMs: recovered.at - t0,
      manifestAppliedMs: manifestApplied - t0,
      secretCreatedMs: secretCreated - t0,
      agentSpawnedMs: agentSpawned - t0,
      agent: Object.fromEntries(Object.entries(marks.at).map(([mark, at]) => [mark, at - t0])),
      gitSync: Object.fromEntries(Object.entries(gitSync).map(([phase, at]) => [phase, at - t0])),
      firstObjectMs: since(t0, watch.tally().firstAt),
      agentCpu: cpu.agent,
      serverCpu: cpu.server,
      failedSyncs: marks.failedSyncs,
      hub: recovered.view.recovery,
      recordedObjects: answer.recovery.expectedObjects,
      ...(audit === undefined ? {} : { requests: audit.groups(t0, recovered.at) }),
    };
  } finally {
    await watch?.stop();
    await agent?.process.stop();
    await kube.close();
    await harness.destroyCluster(fresh);
  }
}
