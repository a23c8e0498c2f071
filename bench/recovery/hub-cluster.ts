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

/**
 * Polls the hub's view of `name` until `accept` answers a value; on the deadline the error carries the
 * last view and the hub's log. `check` runs first each time (it throws when a process died).
 */
function waitHubView<T>(
  hub: BuiltHub,
  name: string,
  wait: { readonly what: string; readonly timeoutMs: number; readonly intervalMs: number },
  check: () => void,
  accept: (view: HubClusterView) => T | undefined,
): Promise<T> {
  let last: HubClusterView | undefined;
  return waitFor(
    async () => {
      check();
      const view = await viewCluster(hub, name);
      last = view;
      return accept(view);
    },
    { ...wait, onTimeout: () => ({ detail: `hub view: ${JSON.stringify(last)}`, logTail: hub.logTail() }) },
  );
}

/** Waits until the hub shows `name` connected, at Git's head `sha`, Current. */
export function waitHubApplied(
  hub: BuiltHub,
  name: string,
  sha: string,
  timeoutMs: number,
  check: () => void,
): Promise<HubClusterView> {
  return waitHubView(
    hub,
    name,
    { what: `the hub to show cluster ${name} synced at ${sha} and Current`, timeoutMs, intervalMs: 250 },
    check,
    (view) =>
      view.connected && (view.sync?.appliedRevision ?? '').endsWith(sha) && view.health?.status === 'Current'
        ? view
        : undefined,
  );
}

/** Waits until the hub marks the recovery of `name` finished; answers when it saw it (epoch ms) and the view. */
export function waitHubRecovered(
  hub: BuiltHub,
  name: string,
  timeoutMs: number,
  check: () => void,
): Promise<{ readonly at: number; readonly view: HubClusterView }> {
  return waitHubView(
    hub,
    name,
    { what: `the hub to mark cluster ${name} recovered`, timeoutMs, intervalMs: 100 },
    check,
    (view) => (view.recovery?.status === 'recovered' ? { at: now(), view } : undefined),
  );
}
