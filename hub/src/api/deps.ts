// What the HTTP API is given (the store, a view of the agent channel, a clock, the install renderer,
// configuration, a logger) and what its middleware hands to the routes (who is asking).
import type { Logger } from '@ferry/shared';
import type { Cluster, Role, Store } from '../store/index.ts';
import type { ClusterStream } from '../stream/index.ts';
import type { LiveSource, WebhookSecrets } from '../webhooks/index.ts';

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
  /** Each connected cluster with the repo and ref its agent's latest hello named (the webhook relay). */
  following(): readonly LiveSource[];
}

/** The Git webhook relay's configuration (POST /api/v1/webhooks/git). */
export interface WebhookDeps {
  /** The shared and per-repository secrets deliveries are checked with. */
  readonly secrets: WebhookSecrets;
}

/**
 * The live stream of cluster changes (GET /api/v1/events): the API says which clusters it wrote, and
 * subscribes the stream's clients.
 */
export type ClusterEvents = Pick<ClusterStream, 'changed' | 'subscribe'>;

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
  /** Absent: the hub serves no event stream (GET /api/v1/events is a 404). */
  readonly events?: ClusterEvents;
  /** Absent: no webhook secret is configured, and every push is refused (401). */
  readonly webhooks?: WebhookDeps;
  /** Told when a recovery begins, so the hub checks that cluster's reports until it has recovered. */
  readonly recoveries?: { began(cluster: string): void };
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
