// What deleting a Namespace or a CRD would take with it, Ferry's or not: every object in the namespace,
// or every custom resource of the CRD's kind. The deletion budget counts them.
import type { ObjectRef } from '@ferry/shared';
import type { KubeApi } from '../kube/types.ts';
import { isCrd, isNamespace } from './kinds.ts';

export async function countContents(kube: KubeApi, ref: ObjectRef): Promise<number> {
  if (isNamespace(ref)) {
    const resources = (await kube.listResources()).filter((info) => info.namespaced);
    let count = 0;
    for (const info of resources) {
      // Events and similar noise are not what a person would miss.
      if (info.kind === 'Event') continue;
      count += (await kube.list(info, { namespace: ref.name })).length;
    }
    return count;
  }
  if (isCrd(ref)) {
    const crd = await kube.get(ref);
    const spec = crd?.spec as
      | { group?: string; names?: { kind?: string }; versions?: { name: string; storage?: boolean }[] }
      | undefined;
    const version = spec?.versions?.find((v) => v.storage === true)?.name ?? spec?.versions?.[0]?.name;
    if (spec?.group === undefined || spec.names?.kind === undefined || version === undefined) return 0;
    const info = await kube.resolve(spec.group, version, spec.names.kind);
    return info === undefined ? 0 : (await kube.list(info)).length;
  }
  return 0;
}
