// What the HTTP API is given (the store, a view of the agent channel, a clock, the install renderer,
// configuration, a logger) and what its middleware hands to the routes (who is asking).
import type { Logger } from '@ferry/shared';
import type { Cluster, Role, Store } from '../store/index.ts';

export interface ChannelView {
  /** True while the cluster's agent holds an open, welcomed connection. */
  isConnected(cluster: string): boolean;
  /** Sends a refresh hint; false when the cluster's agent is not connected. */
  refresh(cluster: string, reason: string): boolean;
  /**
   * Closes the cluster's link, if any, with 4401 (its credential no longer works: the cluster was
   * deleted or its credential revoked); false when it had none.
   */
  disconnect(cluster: string, reason: string): boolean;
}

export interface AppDeps {
  readonly store: Store;
  readonly channel: ChannelView;
  readonly now: () => Date;
  /** Renders the cluster's install manifest (YAML) with this one-time enrollment token in it. */
  readonly renderInstall: (cluster: Cluster, enrollmentToken: string) => string;
  readonly config: {
    /** The URL agents and people reach the hub at, no trailing slash (install URLs are built on it). */
    readonly publicUrl: string;
    /** A cluster not heard from for this long is stale. */
    readonly staleAfterMs: number;
    /** When this hub process started: for staleAfterMs after it, no cluster is called stale (grace). */
    readonly startedAt: Date;
    readonly enrollmentTtlMs: number;
  };
  readonly log: Logger;
}

/** The person behind a request's API token. */
export interface Caller {
  readonly name: string;
  readonly role: Role;
}

/** hono's environment for every route: the auth middleware sets `caller` on /api/v1 routes. */
export interface AppEnv {
  Variables: { caller: Caller };
}
