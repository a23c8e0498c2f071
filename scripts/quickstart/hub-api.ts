// The few reads of the hub's API the quick start makes, with its admin token.
import type { RunningHub } from './start-hub.ts';

/** The fields of the hub's cluster object (docs/api.md) that the quick start reads. */
export interface ClusterView {
  readonly name: string;
  readonly state: string;
  readonly connected: boolean;
  readonly health: { readonly status: string; readonly message: string } | null;
  readonly sync: {
    readonly result: string;
    readonly revision: string | null;
    readonly appliedRevision: string | null;
  } | null;
}

/** GET /api/v1/clusters/NAME; undefined when the hub does not answer 200. */
export async function getCluster(
  hub: Pick<RunningHub, 'url' | 'adminToken'>,
  name: string,
): Promise<ClusterView | undefined> {
  const answer = await fetch(`${hub.url}/api/v1/clusters/${encodeURIComponent(name)}`, {
    headers: { authorization: `Bearer ${hub.adminToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (answer.status !== 200) return undefined;
  return (await answer.json()) as ClusterView;
}

/** Connected, the given commit applied (the agent writes revisions `main@sha1:<sha>`), and all of it Current. */
export function isReadyAt(view: ClusterView | undefined, sha: string): boolean {
  return (
    view !== undefined &&
    view.connected &&
    (view.sync?.appliedRevision ?? '').endsWith(sha) &&
    view.health?.status === 'Current'
  );
}
