// Benchmark: parsing one full report's snapshot frame (issue 7), every field by zod (the old way,
// parseAgentFrameByZod) against the fast path for resource summaries (parseAgentFrame), with JSON.parse
// alone as the floor. The frame is the one bench/hub-scale sends: 200 resource summaries in one chunk,
// ~36 KB. Each way runs ROUNDS times FRAMES parses, the ways alternating; it prints the median µs per
// frame and the bytes allocated on the JS heap per frame (from V8's GCProfiler: what each GC found in
// use, less what the one before it left, plus the rest at the end), with the number of GCs. Not a test.
//   node --import tsx --conditions=@ferry/source bench/check-resources.bench.ts
//   FERRY_BENCH_FRAMES=5000 FERRY_BENCH_ROUNDS=5
import assert from 'node:assert/strict';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { frameBytes } from '../shared/src/protocol/index.ts';
import {
  parseAgentFrame,
  parseAgentFrameByZod,
  type ParseOptions,
} from '../shared/src/protocol/parse-frame.ts';
import { snapshotFrame } from './hub-scale/frames.ts';
import { createStateTable } from './hub-scale/state.ts';

const FRAMES = Number(process.env.FERRY_BENCH_FRAMES ?? 5000);
const ROUNDS = Number(process.env.FERRY_BENCH_ROUNDS ?? 5);
const OPTIONS: ParseOptions = { maxFrameBytes: 1024 * 1024, version: 1 };

type Parse = (text: string, options: ParseOptions) => { readonly ok: boolean };

interface Round {
  readonly microsPerFrame: number;
  readonly bytesPerFrame: number;
  readonly scavenges: number;
  readonly markSweeps: number;
}

function round(parse: Parse, text: string): Round {
  const profiler = new GCProfiler();
  const startUsed = getHeapStatistics().used_heap_size;
  profiler.start();
  const start = process.hrtime.bigint();
  let accepted = 0;
  for (let i = 0; i < FRAMES; i++) if (parse(text, OPTIONS).ok) accepted++;
  const elapsed = Number(process.hrtime.bigint() - start);
  const endUsed = getHeapStatistics().used_heap_size;
  const gcs = profiler.stop().statistics;
  if (accepted !== FRAMES) throw new Error(`the frame was refused ${FRAMES - accepted} times`);
  let allocated = 0;
  let left = startUsed;
  for (const gc of gcs) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - left;
    left = gc.afterGC.heapStatistics.usedHeapSize;
  }
  allocated += endUsed - left;
  return {
    microsPerFrame: elapsed / 1000 / FRAMES,
    bytesPerFrame: allocated / FRAMES,
    scavenges: gcs.filter((gc) => gc.gcType === 'Scavenge').length,
    markSweeps: gcs.filter((gc) => gc.gcType !== 'Scavenge').length,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function summary(name: string, rounds: readonly Round[]): string {
  const micros = median(rounds.map((r) => r.microsPerFrame));
  const kib = median(rounds.map((r) => r.bytesPerFrame)) / 1024;
  const scavenges = median(rounds.map((r) => r.scavenges));
  const markSweeps = median(rounds.map((r) => r.markSweeps));
  const best = Math.min(...rounds.map((r) => r.microsPerFrame));
  const spread = rounds.map((r) => r.microsPerFrame.toFixed(0)).join(', ');
  return `| ${name} | ${micros.toFixed(0)} | ${best.toFixed(0)} | ${kib.toFixed(0)} | ${scavenges} / ${markSweeps} | ${spread} |`;
}

const state = createStateTable(200);
const text = snapshotFrame(state, '5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f', 4, 'bench-snap-1', 0);
// Both ways must give the same message before either is timed.
const fast = parseAgentFrame(text, OPTIONS);
assert.ok(fast.ok, 'the benchmark frame is refused');
assert.deepStrictEqual(fast, parseAgentFrameByZod(text, OPTIONS));

const ways: readonly [string, Parse][] = [
  ['JSON.parse alone (the floor)', (frame) => ({ ok: JSON.parse(frame) !== null })],
  ['zod, every field (before)', parseAgentFrameByZod],
  ['fast path for summaries (after)', parseAgentFrame],
];
for (const [, parse] of ways) round(parse, text); // warm-up: JIT and zod's compiled object parsers
const results = new Map<string, Round[]>(ways.map(([name]) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, parse] of r % 2 === 0 ? ways : [...ways].reverse())
    results.get(name)?.push(round(parse, text));
}

console.log(
  `Snapshot frame of 200 resources, ${frameBytes(text)} bytes; ${FRAMES} parses per round, ${ROUNDS} rounds, ` +
    `node ${process.version}\n`,
);
console.log(
  '| parse | median µs/frame | best µs/frame | median KiB allocated/frame | GCs per round (scavenge / mark) | µs/frame in each round |',
);
console.log('|---|---|---|---|---|---|');
for (const [name, rounds] of results) console.log(summary(name, rounds));
