// Before the disaster: a cluster added to the hub (`POST /api/v1/clusters`, following the benchmark's
// repo at its root path, cluster-wide), installed from the manifest the hub served, its built agent
// started by the in-cluster runner, and the hub showing it synced at Git's head and healthy. What the hub
// records of it then is what the recovery later counts back.
import { join } from 'node:path';
import type { Harness } from '../../test/harness/src/index.ts';
import { MANIFEST_PATH } from '../agent-manifests.ts';
import { startBuiltAgent, type RunningAgent } from '../agent-process.ts';
import { waitHubApplied } from './hub-cluster.ts';
import type { BuiltHub } from './hub.ts';
import { applyInstallManifest, createGitSecret, GIT_SECRET } from './install.ts';

export interface BenchSetup {
  readonly harness: Harness;
  readonly hub: BuiltHub;
  /** The checkout whose built agent and hub run. */
  readonly buildRoot: string;
  /** The repo on the harness Git server, and Git's head there. */
  readonly repoUrl: string;
  readonly head: string;
  /** Where agents keep their logs and caches. */
  readonly dir: string;
  readonly timeoutMs: number;
}

interface Enrollment {
  readonly enrollment: { readonly installUrl: string };
}

/** GET of the install URL the hub answered (a path on the hub itself). */
export async function installManifest(hub: BuiltHub, answer: Enrollment): Promise<string> {
  return hub.text(new URL(answer.enrollment.installUrl).pathname);
}

/**
 * Adds hub cluster `name`, installs it on a new harness cluster `cluster` and waits until the hub shows
 * it synced and Current. Answers the running agent (the caller stops it in the disaster).
 */
export async function enrollCluster(setup: BenchSetup, name: string, cluster: string): Promise<RunningAgent> {
  const { harness, hub } = setup;
  const answer = await hub.api<Enrollment>(201, 'POST', '/api/v1/clusters', {
    name,
    labels: { bench: 'recovery' },
    repo: setup.repoUrl,
    ref: 'main',
    path: MANIFEST_PATH,
    credentialsSecret: GIT_SECRET,
  });
  const manifest = await installManifest(hub, answer);
  await harness.addCluster(cluster);
  await applyInstallManifest(harness, cluster, manifest);
  await createGitSecret(harness, cluster);
  const agent = await startBuiltAgent(harness, cluster, setup.buildRoot, join(setup.dir, cluster));
  try {
    await waitHubApplied(hub, name, setup.head, setup.timeoutMs, () => {
      agent.assertRunning();
    });
  } catch (error) {
    await agent.process.stop();
    throw error;
  }
  return agent;
}
