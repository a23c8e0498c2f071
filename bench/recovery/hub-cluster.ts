// The hub's view of one cluster (`GET /api/v1/clusters/NAME`), the fields the benchmark reads, and the
// two things it waits for there: the cluster synced at Git's head and healthy, and a recovery finished.
import { waitFor } from '../../test/harness/src/index.ts';
import { now } from './clock.ts';
import type { BuiltHub } from './hub.ts';

export interface HubRecovery {
  readonly status: string;
  readonly durationSeconds: number | null;
  readonly expectedObjects: number;
  readonly objectsBack: number;
}

export interface HubClusterView {
  readonly state: string;
  readonly connected: boolean;
  readonly health: { readonly status: string; readonly message: string } | null;
  readonly sync: { readonly appliedRevision: string | null } | null;
  readonly recovery: HubRecovery | null;
}

export const viewCluster = (hub: BuiltHub, name: string): Promise<HubClusterView> =>
  hub.api<HubClusterView>(200, 'GET', `/api/v1/clusters/${name}`);

/** Waits until the hub shows `name` connected, at Git's head `sha`, Current. */
export async function waitHubApplied(
  hub: BuiltHub,
  name: string,
  sha: string,
  timeoutMs: number,
  check: () => void,
): Promise<HubClusterView> {
  let last: HubClusterView | undefined;
  return waitFor(
    async () => {
      check();
      const view = await viewCluster(hub, name);
      last = view;
      const applied = view.sync?.appliedRevision ?? '';
      return view.connected && applied.endsWith(sha) && view.health?.status === 'Current' ? view : undefined;
    },
    {
      what: `the hub to show cluster ${name} synced at ${sha} and Current`,
      timeoutMs,
      intervalMs: 250,
      onTimeout: () => ({ detail: `hub view: ${JSON.stringify(last)}`, logTail: hub.logTail() }),
    },
  );
}

/** Waits until the hub marks the recovery of `name` finished; answers when it saw it (epoch ms) and the view. */
export async function waitHubRecovered(
  hub: BuiltHub,
  name: string,
  timeoutMs: number,
  check: () => void,
): Promise<{ readonly at: number; readonly view: HubClusterView }> {
  let last: HubClusterView | undefined;
  return waitFor(
    async () => {
      check();
      const view = await viewCluster(hub, name);
      last = view;
      return view.recovery?.status === 'recovered' ? { at: now(), view } : undefined;
    },
    {
      what: `the hub to mark cluster ${name} recovered`,
      timeoutMs,
      intervalMs: 100,
      onTimeout: () => ({ detail: `hub view: ${JSON.stringify(last)}`, logTail: hub.logTail() }),
    },
  );
}
