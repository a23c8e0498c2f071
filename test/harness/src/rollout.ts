// Waiting for the real deployment controller to report a rollout complete (Pods become available only
// if something, such as the simulated kubelet, makes them Ready).
import type { KubeHttp } from './kube-http.ts';
import { waitFor } from './wait.ts';

interface DeploymentStatusView {
  readonly metadata: { readonly generation?: number };
  readonly spec: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly availableReplicas?: number;
    readonly conditions?: readonly { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** What a Deployment still lacks before its rollout is complete; undefined when it is complete. */
export function rolloutPending(deployment: DeploymentStatusView): string | undefined {
  const wanted = deployment.spec.replicas ?? 1;
  const status = deployment.status ?? {};
  const generation = deployment.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return `generation ${generation} not observed yet (observed ${status.observedGeneration ?? 0})`;
  }
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  if (updated < wanted) return `${updated} of ${wanted} replicas updated`;
  if (total > updated) return `${total - updated} old replicas pending termination`;
  if (available < wanted || available !== updated) return `${available} of ${wanted} replicas available`;
  const availableCondition = status.conditions?.find((c) => c.type === 'Available');
  if (availableCondition?.status !== 'True') {
    return `condition Available is ${availableCondition?.status ?? 'missing'}${availableCondition?.message ? ` (${availableCondition.message})` : ''}`;
  }
  return undefined;
}

/**
 * Waits until the real deployment controller reports the rollout of Deployment/namespace/name complete:
 * the current generation observed, every replica updated and available, condition Available True.
 * Pods become available only if something (the simulated kubelet) makes them Ready.
 */
export async function waitRolloutComplete(
  kube: KubeHttp,
  namespace: string,
  deploymentName: string,
  timeoutMs: number,
): Promise<void> {
  let detail = 'not read yet';
  await waitFor(
    async () => {
      const deployment = await kube.get<DeploymentStatusView>(
        `/apis/apps/v1/namespaces/${namespace}/deployments/${deploymentName}`,
      );
      const pending = rolloutPending(deployment);
      const progressing = deployment.status?.conditions?.find((c) => c.type === 'Progressing');
      detail =
        pending === undefined
          ? 'complete'
          : `${pending}${progressing?.reason === 'ProgressDeadlineExceeded' ? ' (ProgressDeadlineExceeded)' : ''}`;
      return pending === undefined;
    },
    {
      what: `Deployment/${namespace}/${deploymentName} to complete its rollout`,
      timeoutMs,
      intervalMs: 200,
      onTimeout: () => ({ detail }),
    },
  );
}
