// The desired objects of the last syncs, by the rendered object they were made from: a sync that renders
// nothing new (render-memo.ts hands it the same rendered objects) makes no desired object again when the
// object's kind resolved to the same discovery answer and the owner is the same. Held weakly: what no
// render keeps is dropped with it.
import type { SyncIdentity } from '../inventory/types.ts';
import type { ResourceInfo } from '../kube/index.ts';
import type { RenderedObject } from '../render/index.ts';
import type { DesiredObject } from './desired.ts';

interface Made {
  readonly owner: SyncIdentity;
  readonly info: ResourceInfo | undefined;
  readonly object: DesiredObject;
}

export class DesiredMemo {
  readonly #made = new WeakMap<RenderedObject, Made>();

  get(
    rendered: RenderedObject,
    owner: SyncIdentity,
    info: ResourceInfo | undefined,
  ): DesiredObject | undefined {
    const made = this.#made.get(rendered);
    if (made === undefined || made.info !== info) return undefined;
    return made.owner.namespace === owner.namespace && made.owner.name === owner.name
      ? made.object
      : undefined;
  }

  set(rendered: RenderedObject, owner: SyncIdentity, object: DesiredObject): void {
    this.#made.set(rendered, { owner, info: object.info, object });
  }
}
