// The agent's side of the hub: read where the hub is (or learn there is none), keep what to report as
// the sync loop runs, and hold the channel while this replica holds the Lease. One epoch per process:
// the link, its reporter and its seq counter live as long as the process, across Lease terms. An agent
// that runs alone never loads the channel (ws, the protocol's schemas): `link.ts` is imported on demand.
import type { Logger, ObjectRef } from '@ferry/shared';
import type { KubeApi } from '../kube/index.ts';
import type { ReadinessReport } from '../readiness/types.ts';
import type { ReconcileOutcome } from '../reconcile.ts';
import type { SyncEvent } from '../runtime/events.ts';
import type { ChannelTimeouts } from './channel.ts';
import { readHubConfig, type HubConfig } from './config.ts';
import type { DriftEntry } from './drift-event.ts';
import type { HubReporter } from './reporter.ts';
import type { ObjectHealthLike } from './resource-state.ts';

export { HUB_SECRET, hubUrls, parseHubConfig, readHubConfig, type HubConfig } from './config.ts';
export { CREDENTIAL_SECRET, credentialDigest, ensureCredential } from './credential.ts';

export interface HubLinkOptions {
  readonly kube: KubeApi;
  /** The agent's namespace: the hub and credential Secrets and the GitSync live there. */
  readonly namespace: string;
  /** The GitSync's name. */
  readonly gitSync: string;
  readonly log: Logger;
  /** `--hub-url` / FERRY_HUB_URL: wins over the Secret's url (local runs). */
  readonly urlOverride?: string | undefined;
  readonly assess?: (refs: readonly ObjectRef[]) => Promise<readonly ObjectHealthLike[]>;
  readonly timeouts?: Partial<ChannelTimeouts>;
}

export interface HubLink {
  readonly config: HubConfig;
  readonly epoch: string;
  readonly reporter: HubReporter;
  /** Holds the channel until the signal aborts (the Lease term ends, or the agent stops). */
  run(signal: AbortSignal, requestSync: () => void): Promise<void>;
  /** The sync loop's hooks: each queues and returns at once. */
  syncDone(outcome: ReconcileOutcome, startedAt: string): void;
  eventRecorded(event: SyncEvent): void;
  readinessReported(report: ReadinessReport): void;
  driftRecorded(entry: DriftEntry): void;
}

const READ_ATTEMPTS = 3;

/**
 * The link, or undefined when the agent runs alone: no hub Secret (said once, at info), or one that
 * cannot be used (said at error, naming the Secret and key). Either way the agent goes on syncing Git.
 */
export async function startHubLink(options: HubLinkOptions): Promise<HubLink | undefined> {
  const { kube, namespace, log } = options;
  const read = (): ReturnType<typeof readHubConfig> =>
    readHubConfig(kube, { namespace, urlOverride: options.urlOverride });
  let result;
  for (let attempt = 1; result === undefined; attempt++) {
    try {
      result = await read();
    } catch (error) {
      if (attempt >= READ_ATTEMPTS) {
        log.error('cannot read the hub configuration: running alone', { error });
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
  if (result.kind === 'absent') {
    log.info('no hub configured: running alone');
    return undefined;
  }
  if (result.kind === 'invalid') {
    log.error(`hub configuration not used, running alone: ${result.message}`);
    return undefined;
  }
  const { createHubLink } = await import('./link.ts');
  return createHubLink(result.config, read, options);
}
