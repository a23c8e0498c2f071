// Where a V8 CPU profile's time went (`FERRY_BENCH_AGENT_NODE_FLAGS='--cpu-prof --cpu-prof-dir=D'`):
// the profile is cut into bursts of work separated by idle time (a sync and what follows it), and the
// self time of the bursts chosen is totalled per file and per function. By default every burst after
// the largest one (the first sync) counts, so a benchmark's profile shows its no-op syncs.
//   node --import tsx bench/profile-summary.ts D/CPU.*.cpuprofile [--from-burst N] [--min-ms MS] [--top N]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Idle this long (µs) ends a burst. */
const GAP_US = 1_000_000;
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

function shortFile(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    const pkg = rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
    return `${pkg}/${rest.at(-1) ?? ''}`;
  }
  const dist = path.indexOf('/dist/');
  return dist >= 0 ? path.slice(path.lastIndexOf('/', dist - 1) + 1) : path;
}

function main(): void {
  const [file, ...args] = process.argv.slice(2);
  if (file === undefined)
    throw new Error('usage: profile-summary.ts FILE.cpuprofile [--from-burst N] [--top N]');
  const option = (name: string): number | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const top = option('--top') ?? 25;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const name = (node: ProfileNode): string => node.callFrame.functionName || '(anonymous)';
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Bursts: runs of non-idle samples with no idle gap of GAP_US between them.
  const bursts: { start: number; end: number; samples: { node: ProfileNode; us: number }[] }[] = [];
  let now = 0;
  let lastBusy = -Infinity;
  profile.samples.forEach((id, i) => {
    now += profile.timeDeltas[i] ?? 0;
    const node = nodes.get(id);
    if (node === undefined) return;
    const us = profile.timeDeltas[i + 1] ?? 0;
    const idle = name(node) === '(idle)';
    if (idle) return;
    if (now - lastBusy > GAP_US) bursts.push({ start: now, end: now, samples: [] });
    const burst = bursts.at(-1);
    if (burst === undefined) return;
    burst.samples.push({ node, us });
    burst.end = now;
    lastBusy = now;
  });
  const cpu = (b: (typeof bursts)[number]): number => b.samples.reduce((sum, s) => sum + s.us, 0) / 1000;
  const largest = bursts.reduce((best, b, i) => (cpu(b) > cpu(bursts[best] ?? b) ? i : best), 0);
  const from = option('--from-burst') ?? largest + 1;
  process.stdout.write(`${String(bursts.length)} bursts; counting from #${String(from)}\n`);
  bursts.forEach((b, i) => {
    process.stdout.write(
      `  #${String(i)} at ${(b.start / 1e6).toFixed(1)} s: ${cpu(b).toFixed(0)} ms over ${((b.end - b.start) / 1000).toFixed(0)} ms\n`,
    );
  });
  // Lease renewals and watch events between syncs are small: only bursts of at least --min-ms count.
  const minMs = option('--min-ms') ?? 100;
  const chosen = bursts.slice(from).filter((b) => cpu(b) >= minMs);
  process.stdout.write(`${String(chosen.length)} bursts of at least ${String(minMs)} ms counted\n`);
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  /** Inclusive time of Ferry's own functions (agent/dist, shared/dist): where a sync's time goes. */
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const burst of chosen)
    for (const { node, us } of burst.samples) {
      const frame = node.callFrame;
      const key = IDLE.has(name(node)) ? name(node) : shortFile(frame.url);
      byFile.set(key, (byFile.get(key) ?? 0) + us);
      const fn = `${name(node)} ${shortFile(frame.url)}:${String(frame.lineNumber + 1)}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      const seen = new Set<string>();
      for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
        const frame = nodes.get(at)?.callFrame;
        if (frame === undefined || !/\/(agent|shared)\/dist\//.test(frame.url)) continue;
        const key = `${frame.functionName || '(anonymous)'} ${shortFile(frame.url)}:${String(frame.lineNumber + 1)}`;
        if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
        seen.add(key);
      }
      total += us;
    }
  const per = Math.max(1, chosen.length);
  const table = (title: string, map: Map<string, number>): void => {
    process.stdout.write(`\n${title} (ms per burst, of ${(total / 1000 / per).toFixed(0)} ms)\n`);
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      process.stdout.write(`${(us / 1000 / per).toFixed(1).padStart(8)}  ${key}\n`);
  };
  table('self time by file', byFile);
  table('self time by function', byFunction);
  table("inclusive time of Ferry's functions", inclusive);
}

main();
