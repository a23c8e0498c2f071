// The last good render, kept by the agent's loop between syncs: render is a pure function of the files
// and the options, and the files under a path of a commit never change, so a sync of the commit, path and
// options already rendered reuses the objects (the same instances, which the engine's own memos then
// recognise) instead of rendering 1,000 manifests again.
import type { RenderedObject, RenderOptions } from './types.ts';

export class RenderMemo {
  #last: { readonly key: string; readonly objects: readonly RenderedObject[] } | undefined;

  static keyOf(commit: string, path: string, options: RenderOptions): string {
    return `${commit}\0${path}\0${JSON.stringify(options)}`;
  }

  get(key: string): readonly RenderedObject[] | undefined {
    return this.#last?.key === key ? this.#last.objects : undefined;
  }

  set(key: string, objects: readonly RenderedObject[]): void {
    this.#last = { key, objects };
  }
}
