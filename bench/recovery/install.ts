// What the operator does on a cluster with an install manifest the hub served: `kubectl apply -f` it,
// then create the Git credential Secret it names (the hub never holds it), as docs/disaster-recovery.md
// says. The harness Git server's first user is the credential.
import type { Harness } from '../../test/harness/src/index.ts';
import { AGENT_NAMESPACE } from '../agent-cluster.ts';

export const GIT_SECRET = 'git-credentials';

export async function applyInstallManifest(
  harness: Harness,
  cluster: string,
  manifest: string,
): Promise<void> {
  await harness.kubectl(cluster, ['apply', '-f', '-'], manifest);
}

export async function createGitSecret(harness: Harness, cluster: string): Promise<void> {
  const user = harness.gitServer().users[0];
  if (user === undefined) throw new Error('the harness Git server has no user to give the agent');
  await harness.kubectl(cluster, [
    '-n',
    AGENT_NAMESPACE,
    'create',
    'secret',
    'generic',
    GIT_SECRET,
    `--from-literal=username=${user.username}`,
    `--from-literal=password=${user.password}`,
  ]);
}
