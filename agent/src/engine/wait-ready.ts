// Between stages: CRDs must be Established (their kinds served) and Namespaces Active before what
// depends on them is applied.
import { formatRef } from '@ferry/shared';
import type { KubeApi, KubeObject } from '../kube/index.ts';
import { pollUntil } from '../poll.ts';
import type { DesiredObject } from './desired.ts';

interface Condition {
  readonly type?: string;
  readonly status?: string;
}

function isReady(object: DesiredObject, live: KubeObject | undefined): boolean {
  if (live === undefined) return false;
  if (object.ref.kind === 'CustomResourceDefinition') {
    const conditions = (live.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
    return conditions.some((condition) => condition.type === 'Established' && condition.status === 'True');
  }
  if (object.ref.kind === 'Namespace' && object.ref.group === '') {
    return (live.status as { phase?: string } | undefined)?.phase === 'Active';
  }
  return true;
}

export const needsWait = (object: DesiredObject): boolean =>
  (object.ref.kind === 'CustomResourceDefinition' && object.ref.group === 'apiextensions.k8s.io') ||
  (object.ref.kind === 'Namespace' && object.ref.group === '');

/** Resolves when every CRD and Namespace among objects is ready; otherwise names what was not. */
export async function waitReady(
  kube: KubeApi,
  objects: readonly DesiredObject[],
  timeoutMs: number,
): Promise<string | undefined> {
  const pending = new Set(objects.filter(needsWait));
  const settled = await pollUntil(async () => {
    for (const object of [...pending])
      if (isReady(object, await kube.get(object.ref))) pending.delete(object);
    return pending.size === 0 ? true : undefined;
  }, timeoutMs);
  if (settled === true) return undefined;
  return `not ready after ${timeoutMs} ms: ${[...pending].map((object) => formatRef(object.ref)).join(', ')}`;
}
