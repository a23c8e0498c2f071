// The link itself, once a hub is configured: the reporter, the channel and the hooks the sync loop calls.
// Loaded by `startHubLink` only when the hub Secret names a hub.
import { randomUUID } from 'node:crypto';
import { HubChannel } from './channel.ts';
import type { HubConfig, readHubConfig } from './config.ts';
import { agentVersion, helloFacts } from './hello-facts.ts';
import type { HubLink, HubLinkOptions } from './index.ts';
import { HubReporter } from './reporter.ts';

export function createHubLink(
  config: HubConfig,
  read: () => ReturnType<typeof readHubConfig>,
  options: HubLinkOptions,
): HubLink {
  const { kube, namespace, log } = options;
  const epoch = randomUUID();
  const hubLog = log.child({ hub: config.url });
  const reporter = new HubReporter({
    epoch,
    log: hubLog,
    ...(options.assess ? { assess: options.assess } : {}),
  });
  const channel = new HubChannel({
    kube,
    namespace,
    epoch,
    config,
    rereadConfig: read,
    reporter,
    facts: helloFacts(kube, {
      namespace,
      name: options.gitSync,
      agentVersion: agentVersion(),
      spec: () => reporter.spec,
    }),
    log: hubLog,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
  });
  log.info('hub configured', {
    hub: config.url,
    epoch,
    canEnroll: config.enrollmentToken !== undefined,
    customCa: config.ca !== undefined,
  });
  return {
    config,
    epoch,
    reporter,
    run: (signal, requestSync) => channel.run(signal, requestSync),
    syncDone: (outcome, startedAt) => {
      reporter.syncDone(outcome, new Date(startedAt));
    },
    eventRecorded: (event) => {
      reporter.eventRecorded(event);
    },
    readinessReported: (report) => {
      reporter.readinessReported(report);
    },
    driftRecorded: (entry) => {
      reporter.driftRecorded(entry);
    },
  };
}
