// The hub scale benchmark's knobs, from the environment, with the numbers as defaults. Pure:
// parseParams() returns the parameters or throws an Error naming the variable at fault.

export const PHASES = ['connect', 'steady', 'snapshot', 'light', 'storm'] as const;
export type Phase = (typeof PHASES)[number];

export interface ScaleParams {
  /** Agents played by the generator (FERRY_BENCH_AGENTS). */
  readonly agents: number;
  /** Agents per source address 127.0.0.2, 127.0.0.3, ... (FERRY_BENCH_AGENTS_PER_ADDRESS). */
  readonly agentsPerAddress: number;
  /** Resources in every agent's state, and so in each full snapshot (FERRY_BENCH_RESOURCES). */
  readonly resources: number;
  /** The steady mix, per agent: a heartbeat, a delta, a full report (syncReport + snapshot) every ... s. */
  readonly heartbeatSeconds: number;
  readonly deltaSeconds: number;
  readonly reportSeconds: number;
  /** New connections per second when the agents first connect (0: all at once)... */
  readonly connectRate: number;
  /** ...with at most this many between their connect and their welcome (0: no bound). */
  readonly connectConcurrency: number;
  /** How long the steady mix alone runs, with the list API measured (FERRY_BENCH_STEADY_SECONDS). */
  readonly steadySeconds: number;
  /** Bursts on top of the steady mix: full reports per second, heartbeats + deltas per second. */
  readonly snapshotRate: number;
  readonly lightRate: number;
  /** The share of deltas among the light burst's messages (the rest are heartbeats). */
  readonly deltaShare: number;
  /** Seconds each burst offers its rate, and how many bursts of each kind (their median is reported). */
  readonly burstSeconds: number;
  readonly repeats: number;
  /** Reconnect storms (a hub restart each). */
  readonly storms: number;
  /** The hub's --stale-after, in seconds. */
  readonly staleAfterSeconds: number;
  /** A list API call every ... ms, one at a time (FERRY_BENCH_API_INTERVAL_MS). */
  readonly apiIntervalMs: number;
  /** How long a phase waits for every message it sent to be acknowledged. */
  readonly drainTimeoutSeconds: number;
  /** The phases to run, in their fixed order (FERRY_BENCH_PHASES=connect,steady,...). */
  readonly phases: readonly Phase[];
  /**
   * The generator's nice value (FERRY_BENCH_GENERATOR_NICE, default 0: the hub's priority). The generator
   * plays 10,000 machines of their own; on the hub's 2 cores its turns on the CPU come between the hub
   * and the API's requests. At 10 it still gets every cycle the hub leaves (the report shows whether it
   * kept up with the offered rates): how much of the hub's tail is that sharing (bench/RESULTS.md,
   * 2026-11-27 15:24–17:10).
   */
  readonly generatorNice: number;
  /**
   * The generator's Linux scheduling policy (FERRY_BENCH_GENERATOR_SCHED: other, the default, or batch:
   * `chrt --batch 0`, for all its threads). A SCHED_BATCH thread does not preempt a running one when it
   * wakes: the generator then takes the CPU the hub leaves instead of cutting into the hub's turns.
   */
  readonly generatorSched: 'other' | 'batch';
  /** The CPUs the generator may run on (FERRY_BENCH_GENERATOR_CPUS, `taskset -c` list); empty: any. */
  readonly generatorCpus: string;
  /** Node flags for the generator (FERRY_BENCH_GENERATOR_NODE_FLAGS, e.g. `--v8-pool-size=1`). */
  readonly generatorNodeFlags: readonly string[];
  /**
   * Whether the probe's calls also go to an idle replica of the hub's API on the same store
   * (FERRY_BENCH_FLOOR, default 1; 0: not), whose latencies are this machine's floor under the hub's.
   */
  readonly floor: boolean;
  /** Node flags for the hub (`--cpu-prof --cpu-prof-dir=D`). */
  readonly hubNodeFlags: readonly string[];
  /** Keep the temp dir (the hub's database and log) after stopping. */
  readonly keepDir: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function numberOf(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name}: "${text}" is not a number from ${min} to ${max}`);
  return value;
}

function floorOf(env: Env): boolean {
  const text = env.FERRY_BENCH_FLOOR;
  if (text === undefined || text === '' || text === '1') return true;
  if (text === '0') return false;
  throw new Error(`FERRY_BENCH_FLOOR: "${text}" is not 0 or 1`);
}

function schedOf(env: Env): 'other' | 'batch' {
  const text = env.FERRY_BENCH_GENERATOR_SCHED;
  if (text === undefined || text === '' || text === 'other') return 'other';
  if (text === 'batch') return 'batch';
  throw new Error(`FERRY_BENCH_GENERATOR_SCHED: "${text}" is not other or batch`);
}

function cpusOf(env: Env): string {
  const text = env.FERRY_BENCH_GENERATOR_CPUS ?? '';
  if (!/^([0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)?$/.test(text))
    throw new Error(`FERRY_BENCH_GENERATOR_CPUS: "${text}" is not a CPU list such as 1 or 0-1`);
  return text;
}

const flagsOf = (text: string | undefined): readonly string[] =>
  (text ?? '').split(' ').filter((flag) => flag !== '');

function phasesOf(env: Env): readonly Phase[] {
  const text = env.FERRY_BENCH_PHASES;
  if (text === undefined || text === '') return PHASES;
  const wanted = text.split(',').map((phase) => phase.trim());
  const unknown = wanted.filter((phase) => !(PHASES as readonly string[]).includes(phase));
  if (unknown.length > 0)
    throw new Error(`FERRY_BENCH_PHASES: unknown ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
  if (!wanted.includes('connect')) throw new Error('FERRY_BENCH_PHASES: connect is always needed');
  return PHASES.filter((phase) => wanted.includes(phase));
}

export function parseParams(env: Env): ScaleParams {
  const agents = numberOf(env, 'FERRY_BENCH_AGENTS', 10_000, 1, 60_000);
  return {
    agents,
    agentsPerAddress: numberOf(env, 'FERRY_BENCH_AGENTS_PER_ADDRESS', 500, 1, 20_000),
    resources: numberOf(env, 'FERRY_BENCH_RESOURCES', 200, 2, 2000),
    heartbeatSeconds: numberOf(env, 'FERRY_BENCH_HEARTBEAT_SECONDS', 30, 1, 3600),
    deltaSeconds: numberOf(env, 'FERRY_BENCH_DELTA_SECONDS', 60, 1, 3600),
    reportSeconds: numberOf(env, 'FERRY_BENCH_REPORT_SECONDS', 300, 1, 86_400),
    connectRate: numberOf(env, 'FERRY_BENCH_CONNECT_RATE', 500, 0, 1_000_000),
    connectConcurrency: numberOf(env, 'FERRY_BENCH_CONNECT_CONCURRENCY', 200, 0, 100_000),
    steadySeconds: numberOf(env, 'FERRY_BENCH_STEADY_SECONDS', 45, 0, 3600),
    // 5 % over the targets (500/s, 5,000/s): a rate measured from the first send to the last ack of an
    // offer of exactly the target comes out a hair under it.
    snapshotRate: numberOf(env, 'FERRY_BENCH_SNAPSHOT_RATE', 525, 1, 100_000),
    lightRate: numberOf(env, 'FERRY_BENCH_LIGHT_RATE', 5250, 1, 1_000_000),
    deltaShare: numberOf(env, 'FERRY_BENCH_DELTA_SHARE', 0.5, 0, 1),
    burstSeconds: numberOf(env, 'FERRY_BENCH_BURST_SECONDS', 20, 1, 3600),
    repeats: numberOf(env, 'FERRY_BENCH_REPEATS', 3, 1, 20),
    storms: numberOf(env, 'FERRY_BENCH_STORMS', 2, 1, 10),
    staleAfterSeconds: numberOf(env, 'FERRY_BENCH_STALE_AFTER_SECONDS', 60, 5, 3600),
    apiIntervalMs: numberOf(env, 'FERRY_BENCH_API_INTERVAL_MS', 100, 1, 60_000),
    drainTimeoutSeconds: numberOf(env, 'FERRY_BENCH_DRAIN_TIMEOUT_SECONDS', 120, 1, 3600),
    phases: phasesOf(env),
    generatorNice: numberOf(env, 'FERRY_BENCH_GENERATOR_NICE', 0, 0, 19),
    generatorSched: schedOf(env),
    generatorCpus: cpusOf(env),
    generatorNodeFlags: flagsOf(env.FERRY_BENCH_GENERATOR_NODE_FLAGS),
    floor: floorOf(env),
    hubNodeFlags: flagsOf(env.FERRY_BENCH_HUB_NODE_FLAGS),
    keepDir: env.FERRY_BENCH_KEEP_DIR === '1',
  };
}
