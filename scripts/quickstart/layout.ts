// Where things are: the built programs the quick start runs (from the repository's build output, as
// the images' entrypoints run them), the example, and the files it keeps under its state folder.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuickstartError } from './errors.ts';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

export const BUILT = {
  hub: join(REPO_ROOT, 'hub', 'dist', 'main.js'),
  ferry: join(REPO_ROOT, 'hub', 'dist', 'cli', 'main.js'),
  installManifest: join(REPO_ROOT, 'hub', 'dist', 'install', 'agent.yaml'),
  agent: join(REPO_ROOT, 'agent', 'dist', 'main.js'),
} as const;

export const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'hello');

/** The names the quick start gives things. */
export const NAMES = {
  /** The cluster's name at the hub (and of the harness cluster). */
  cluster: 'local',
  /** The repository on the local Git server, and the folder the cluster follows in it. */
  repo: 'fleet',
  path: 'clusters/local',
  targetNamespace: 'hello',
  /** The Secret in ferry-system with the Git credential (the harness Git server has users). */
  credentialsSecret: 'git-credentials',
  /** The namespace whose Pods the simulated kubelet makes ready (the example's Deployment). */
  podNamespace: 'hello',
  agentNamespace: 'ferry-system',
} as const;

export interface StateLayout {
  /** The state folder; also the harness folder (state.json, clusters/, git/, etcd/). */
  readonly dir: string;
  /** The hub's data folder (its SQLite file) and log. */
  readonly hubDir: string;
  readonly hubLog: string;
  /** The agent's work folder (its Pod's view, cache) and log. */
  readonly agentDir: string;
  /** The install manifest `ferry cluster add` wrote (mode 0600: it holds the one-time token). */
  readonly manifest: string;
  /** `ferry`'s config file for the commands the quick start runs (none: FERRY_HUB and FERRY_TOKEN). */
  readonly ferryConfig: string;
  /** What this run started, by PID, so that the next run can stop what a killed run left behind. */
  readonly record: string;
}

export function stateLayout(dir: string): StateLayout {
  return {
    dir,
    hubDir: join(dir, 'hub'),
    hubLog: join(dir, 'hub', 'hub.log'),
    agentDir: join(dir, 'agent'),
    manifest: join(dir, `install-${NAMES.cluster}.yaml`),
    ferryConfig: join(dir, 'ferry', 'config.json'),
    record: join(dir, 'quickstart.json'),
  };
}

/** The build output the quick start runs; scripts/run.sh builds it. */
export function assertBuilt(): void {
  const missing = Object.values(BUILT).filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new QuickstartError(
      'not-built',
      `not built: ${missing.join(', ')} (run pnpm -r build, or bash scripts/run.sh, which builds first)`,
    );
}
