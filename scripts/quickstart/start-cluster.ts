// The local cluster and Git server, from the end-to-end harness (test/harness): a real kube-apiserver
// 1.20 and kube-controller-manager on a local etcd, and `git http-backend` behind a small server with
// a user and a token. With --kubeconfig, only the Git server: the cluster is the given one.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Harness } from '../../test/harness/src/index.ts';
import { QuickstartError } from './errors.ts';
import { NAMES } from './layout.ts';

export interface ClusterTarget {
  /** 'local': a harness cluster this run started; 'kubeconfig': the one given. */
  readonly mode: 'local' | 'kubeconfig';
  readonly kubeconfig: string;
  /** The API server's URL (local mode), for the summary. */
  readonly server: string | undefined;
}

/** Starts the harness cluster `local`; its processes are the harness's (stopped by harness.down()). */
export async function startLocalCluster(harness: Harness): Promise<ClusterTarget> {
  const record = await harness.addCluster(NAMES.cluster);
  return { mode: 'local', kubeconfig: record.kubeconfig, server: record.server };
}

export function givenCluster(kubeconfig: string): ClusterTarget {
  if (!existsSync(kubeconfig)) throw new QuickstartError('usage', `--kubeconfig ${kubeconfig}: no such file`);
  return { mode: 'kubeconfig', kubeconfig, server: undefined };
}

/** The Git server, with one user (`ferry`, a random password) and one bearer token. */
export async function startGitServer(harness: Harness): Promise<void> {
  await harness.startGit({
    users: [{ username: 'ferry', password: randomBytes(12).toString('hex') }],
    tokens: [randomBytes(20).toString('hex')],
  });
}
