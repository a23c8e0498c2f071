// The recovery benchmark's knobs, read once from the environment, with their defaults in one place.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RecoveryParams {
  /** Runs of the pair (Ferry's recovery, kubectl's apply); medians are over these. */
  readonly runs: number;
  /** Namespaces × objects per namespace = the objects Git holds (the Namespaces come on top). */
  readonly namespaces: number;
  readonly perNamespace: number;
  /** For a diagnosis: node flags for the recovered agent (`--cpu-prof --cpu-prof-dir=D`). */
  readonly agentNodeFlags: readonly string[];
  /** For a diagnosis: audit-log the recovered agent's requests and report them (FERRY_BENCH_RECOVERY_AUDIT=1). */
  readonly audit: boolean;
  /** Keep the temp dir (agent and hub logs) after stopping everything, and say where. */
  readonly keepDir: boolean;
  /** The longest any one wait may take (a sync, a recovery, a quiet cluster). */
  readonly timeoutMs: number;
  /** This checkout. */
  readonly repoRoot: string;
  /**
   * The checkout whose built agent and hub run (FERRY_BENCH_BUILD_DIR; default this one): e.g. a
   * `git archive` copy of a commit, built, to measure it while others edit this one.
   */
  readonly buildRoot: string;
}

const positive = (name: string, fallback: number): number => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: "${text}" is not a positive integer`);
  return value;
};

export function readParams(): RecoveryParams {
  const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
  return {
    runs: positive('FERRY_BENCH_RECOVERY_RUNS', 5),
    namespaces: positive('FERRY_BENCH_RECOVERY_NAMESPACES', 10),
    perNamespace: positive('FERRY_BENCH_RECOVERY_PER_NAMESPACE', 50),
    agentNodeFlags: (process.env.FERRY_BENCH_AGENT_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''),
    audit: process.env.FERRY_BENCH_RECOVERY_AUDIT === '1',
    keepDir: process.env.FERRY_BENCH_KEEP_DIR === '1',
    timeoutMs: positive('FERRY_BENCH_RECOVERY_TIMEOUT_S', 300) * 1000,
    repoRoot,
    buildRoot: resolve(process.env.FERRY_BENCH_BUILD_DIR || repoRoot),
  };
}
