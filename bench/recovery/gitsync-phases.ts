// The recovered agent's GitSync as the cluster shows it, polled (one GET every 100 ms) from t0 until it is
// Ready at Git's head: when it first existed, when the agent said it was syncing, when everything was
// applied and it waited for health, and when it was Ready. The phases come from the Ready condition's
// message, which the agent sets at each step.
import { waitFor, type KubeHttp } from '../../test/harness/src/index.ts';
import { AGENT_NAMESPACE } from '../agent-cluster.ts';
import { now } from './clock.ts';

const GITSYNC_PATH = `/apis/ferry.dev/v1alpha1/namespaces/${AGENT_NAMESPACE}/gitsyncs/ferry`;

export interface GitSyncPhases {
  readonly created?: number;
  readonly syncing?: number;
  readonly waitingHealth?: number;
  readonly ready: number;
}

interface GitSyncView {
  readonly status?: {
    readonly lastAppliedRevision?: string;
    readonly conditions?: readonly { type: string; status: string; message: string }[];
  };
}

/** Polls until the GitSync is Ready with `sha` applied; answers when each phase was first seen (epoch ms). */
export async function watchGitSyncPhases(
  kube: KubeHttp,
  sha: string,
  timeoutMs: number,
  check: () => void,
): Promise<GitSyncPhases> {
  const seen: { created?: number; syncing?: number; waitingHealth?: number } = {};
  let last: GitSyncView | undefined;
  return waitFor(
    async () => {
      check();
      const answer = await kube.raw<GitSyncView>('GET', GITSYNC_PATH);
      if (answer.status !== 200) return undefined;
      const at = now();
      last = answer.body;
      seen.created ??= at;
      const ready = answer.body.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.message.startsWith('Syncing') === true) seen.syncing ??= at;
      if (ready?.message.includes('waiting for') === true) seen.waitingHealth ??= at;
      const applied = answer.body.status?.lastAppliedRevision ?? '';
      return ready?.status === 'True' && applied.endsWith(sha) ? { ...seen, ready: at } : undefined;
    },
    {
      what: `the GitSync to be Ready at ${sha}`,
      timeoutMs,
      intervalMs: 100,
      onTimeout: () => ({ detail: `GitSync status: ${JSON.stringify(last?.status)}` }),
    },
  );
}
