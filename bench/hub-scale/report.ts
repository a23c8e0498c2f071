// The hub scale benchmark's Markdown for bench/RESULTS.md: one table of the issue's targets against
// what was measured (medians over the bursts and storms of the run), then the numbers they come from.
import { median, percentile } from '../agent-proc.ts';
import { PROBE_KINDS, type ProbeSample } from './api-probe.ts';
import type { Distribution } from './ipc.ts';
import { ackCounts, ingestRate, type MeasuredBurst, type RunResults } from './results.ts';

const met = (ok: boolean): string => (ok ? 'yes' : '**no**');
const n0 = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
const n1 = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const s1 = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
const dist = (d: Distribution): string =>
  `p50 ${n0(d.p50)} / p99 ${n0(d.p99)} / max ${n0(d.max)} ms (${n0(d.count)})`;

const INGEST_PHASES = /^(steady|snapshot-\d+|light-\d+)$/;

/** The list calls' latencies (not the /healthz calls timed beside them). */
function latencies(samples: readonly ProbeSample[], phase: RegExp): number[] {
  return samples
    .filter((s) => s.status === 200 && s.kind !== 'healthz' && phase.test(s.phase))
    .map((s) => s.ms);
}

function probeLine(samples: readonly ProbeSample[], label: string, phase: RegExp): string {
  const ok = latencies(samples, phase);
  const failed = samples.filter(
    (s) => s.status !== 200 && s.kind !== 'healthz' && phase.test(s.phase),
  ).length;
  return `${label}: p50 ${n1(percentile(ok, 50))} / p99 ${n1(percentile(ok, 99))} / max ${n1(Math.max(...ok))} ms over ${String(ok.length)} calls${failed > 0 ? `, ${String(failed)} failed` : ''}`;
}

/** p50 / p99 of each kind of call while ingesting: which query makes the tail. */
function probeKindsLine(samples: readonly ProbeSample[]): string {
  return [...PROBE_KINDS, 'healthz' as const]
    .map((kind) => {
      const ok = samples
        .filter((s) => s.kind === kind && s.status === 200 && INGEST_PHASES.test(s.phase))
        .map((s) => s.ms);
      return `${kind} ${n1(percentile(ok, 50))} / ${n1(percentile(ok, 99))} ms (${String(ok.length)})`;
    })
    .join('; ');
}

/** The table's note on the idle replica's p99 while ingesting, when it ran. */
function floorNote(floor: readonly ProbeSample[] | undefined): string {
  if (floor === undefined) return '';
  return `; the same calls to an idle replica of the API beside it (the floor): p99 ${n1(percentile(latencies(floor, INGEST_PHASES), 99))} ms`;
}

/** The same calls against the idle replica (FERRY_BENCH_FLOOR), phase by phase. */
function floorLines(floor: readonly ProbeSample[] | undefined): string[] {
  if (floor === undefined) return [];
  return [
    "the same calls, at the same time, to an idle replica of the API (the hub's app on the same store, in a " +
      'process that ingests nothing): what this machine adds to a call beside the hub and the generator, the floor under the numbers above:',
    '',
    `- ${probeLine(floor, 'steady', /^steady$/)}`,
    `- ${probeLine(floor, 'snapshot bursts', /^snapshot-\d+$/)}`,
    `- ${probeLine(floor, 'heartbeat + delta bursts', /^light-\d+$/)}`,
    `- ${probeLine(floor, 'storms', /^storm-\d+$/)}`,
    `- by kind while ingesting, p50 / p99: ${probeKindsLine(floor)}`,
    '',
  ];
}

/** The deltas sent after a heartbeat burst so that an ack covers every heartbeat (counted in its rate). */
function covering(result: MeasuredBurst['result']): string {
  const cover = result.cover.byKind.delta;
  return cover === undefined || cover.sent === 0
    ? ''
    : ` (then ${n0(cover.sent)} covering deltas, ${n0(cover.acked)} acked)`;
}

function burstLine(
  burst: MeasuredBurst,
  kinds: readonly ('heartbeat' | 'delta' | 'snapshot' | 'syncReport')[],
): string {
  const { result, cost } = burst;
  const counts = ackCounts(result, kinds);
  const offered = result.streams.reduce((sum, stream) => sum + stream.offered, 0);
  const deferred = result.streams.reduce((sum, stream) => sum + stream.deferred, 0);
  const latency = kinds
    .map((kind) => {
      const stats = result.stats.byKind[kind];
      return stats === undefined ? '' : `${kind} ack p50 ${n0(stats.p50Ms)} / p99 ${n0(stats.p99Ms)} ms`;
    })
    .filter((text) => text !== '')
    .join(', ');
  return `${result.tag}: offered ${n0(offered)} in ${s1(result.windowMs)} (${n0(deferred)} deferred at maxUnacked), messages sent ${n0(counts.sent)}, acked ${n0(counts.acked)}, lost ${n0(counts.lost)}, outstanding ${n0(result.outstanding)}, last ack ${s1(result.drainMs)} after the window${covering(result)}; ${latency}; hub CPU ${n1(cost.hubCpuS)} s, generator CPU ${n1(cost.generatorCpuS)} s over ${n1(cost.wallS)} s`;
}

export function renderReport(r: RunResults): string {
  const p = r.params;
  const snapshotRates = r.snapshotBursts.map((b) => ingestRate(b.result, ['snapshot']));
  const lightRates = r.lightBursts.map((b) => ingestRate(b.result, ['heartbeat', 'delta']));
  const allAcked = (bursts: readonly MeasuredBurst[], kinds: Parameters<typeof ackCounts>[1]): boolean =>
    bursts.length > 0 &&
    bursts.every((b) => ackCounts(b.result, kinds).acked === ackCounts(b.result, kinds).sent);
  const snapshotOk = allAcked(r.snapshotBursts, ['snapshot', 'syncReport']);
  const lightOk = allAcked(r.lightBursts, ['heartbeat', 'delta']);
  const ingest = latencies(r.probe, INGEST_PHASES);
  const p99 = percentile(ingest, 99);
  const stormAck = r.storms.map((s) => s.result.ackMs.max);
  const stormAllAcked = r.storms.length > 0 && r.storms.every((s) => s.result.acked === s.result.agents);
  // A flap is a connected cluster shown stale; one still waiting to reconnect after a restart that took
  // longer than --stale-after is stale by the rule, and reported apart.
  const flapping = r.staleEvents.filter((event) => event.connected);
  const disconnectedStale = r.staleEvents.length - flapping.length;
  const flaps = flapping.length;
  const connected = r.connect?.result.welcomed ?? 0;
  const rssAfterConnect = r.connect?.cost.hubRssMb ?? Number.NaN;
  const rows = [
    `| ${n0(p.agents)} concurrent agents, hub RSS | ${n0(connected)} welcomed, ${n0(r.connect?.result.ready ?? 0)} with their snapshot stored; hub RSS ${n0(rssAfterConnect)} MB after connecting, ${n0(r.hubPeakMb)} MB peak (VmHWM) | ${n0(p.agents)} | ${met(connected === p.agents)} |`,
    `| ingest full snapshot reports (syncReport + ${String(p.resources)}-resource snapshot), all acked | ${n0(median(snapshotRates))}/s (${snapshotRates.map(n0).join(', ')}) offered at ${n0(p.snapshotRate)}/s; ${snapshotOk ? 'all acked' : 'NOT all acked'} | ≥ 500/s | ${met(snapshotOk && median(snapshotRates) >= 500)} |`,
    `| ingest heartbeats + deltas (with the covering deltas after the window), all acked | ${n0(median(lightRates))}/s (${lightRates.map(n0).join(', ')}) offered at ${n0(p.lightRate)}/s; ${lightOk ? 'all acked' : 'NOT all acked'} | ≥ 5,000/s | ${met(lightOk && median(lightRates) >= 5000)} |`,
    `| fleet list API p99 while ingesting (${n0(p.agents)} clusters) | ${n1(p99)} ms over ${String(ingest.length)} calls${floorNote(r.floor)} | ≤ 50 ms | ${met(p99 <= 50)} |`,
    `| reconnect storm after a hub restart: every agent acked | last ack ${stormAck.map(s1).join(', ')} after the storm began (median ${s1(median(stormAck))}) | ≤ 30 s | ${met(stormAllAcked && median(stormAck) <= 30_000 && Math.max(...stormAck) <= 30_000)} |`,
    `| no stale flapping (a connected cluster shown stale) | ${String(flaps)} such events on the live stream; besides, ${String(disconnectedStale)} events of clusters not yet reconnected shown stale, ${String(r.probeStaleHits.length)} non-empty \`stale=true\` lists | none | ${met(flaps === 0)} |`,
  ];
  const lines = [
    r.heading,
    '',
    '| target | measured | goal | met |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `seeding ${n0(p.agents)} clusters and credentials through the store: ${s1(r.seedMs)}`,
    '',
  ];
  if (r.connect !== undefined) {
    const c = r.connect.result;
    lines.push(
      `connect (${n0(p.connectRate)}/s, at most ${n0(p.connectConcurrency)} waiting for their welcome): ${n0(c.welcomed)} welcomed, ${n0(c.ready)} ready in ${s1(c.elapsedMs)}; welcome ${dist(c.welcomeMs)}; snapshots asked by the hub and acked: ${n0(c.snapshots.byKind.snapshot?.acked ?? 0)} (ack p50 ${n0(c.snapshots.byKind.snapshot?.p50Ms ?? Number.NaN)} / p99 ${n0(c.snapshots.byKind.snapshot?.p99Ms ?? Number.NaN)} ms); hub CPU ${n1(r.connect.cost.hubCpuS)} s over ${n1(r.connect.cost.wallS)} s`,
      '',
    );
  }
  if (r.steady !== undefined) {
    lines.push(
      `steady mix alone, ${String(r.steady.seconds)} s: hub CPU ${n1(r.steady.cost.hubCpuS)} s (${n0((r.steady.cost.hubCpuS / r.steady.cost.wallS) * 100)} % of a core), RSS ${n0(r.steady.cost.hubRssMb)} MB`,
      '',
    );
  }
  for (const burst of r.snapshotBursts) lines.push(burstLine(burst, ['syncReport', 'snapshot']), '');
  for (const burst of r.lightBursts) lines.push(burstLine(burst, ['heartbeat', 'delta']), '');
  for (const storm of r.storms) {
    const s = storm.result;
    lines.push(
      `${s.tag}: hub stopped in ${s1(storm.stopMs)}, restarted (to /healthz) in ${s1(storm.startMs)}; ${n0(s.agents)} connects fired in ${n0(s.fireMs)} ms; welcomed ${n0(s.welcomed)}: ${dist(s.welcomeMs)}; acked ${n0(s.acked)}: ${dist(s.ackMs)}; snapshots asked ${n0(s.snapshotRequests)}; hub CPU ${n1(storm.cost.hubCpuS)} s, RSS after ${n0(storm.cost.hubRssMb)} MB`,
      '',
    );
  }
  lines.push(
    'fleet list API, one call at a time every ' +
      `${String(p.apiIntervalMs)} ms (first page, next page by cursor, selector, health, stale=true; 100 per page):`,
    '',
    `- ${probeLine(r.probe, 'steady', /^steady$/)}`,
    `- ${probeLine(r.probe, 'snapshot bursts', /^snapshot-\d+$/)}`,
    `- ${probeLine(r.probe, 'heartbeat + delta bursts', /^light-\d+$/)}`,
    `- ${probeLine(r.probe, 'storms', /^storm-\d+$/)}`,
    `- by kind while ingesting (and /healthz after each), p50 / p99: ${probeKindsLine(r.probe)}`,
    '',
    ...floorLines(r.floor),
    `hub RSS (MB) by phase end: ${r.rss
      .filter((sample, i, all) => all[i + 1]?.phase !== sample.phase)
      .map((sample) => `${sample.phase} ${n0(sample.hubMb)}`)
      .join(', ')}; generator RSS at the end ${n0(r.rss.at(-1)?.generatorMb ?? Number.NaN)} MB`,
    '',
    `generator: closes by code ${JSON.stringify(r.generator.closes)}, refused upgrades ${JSON.stringify(r.generator.refusedUpgrades)}, hub frames ${n0(r.generator.hubFrames)} (invalid ${String(r.generator.invalidHubFrames)}), snapshot requests by link ${JSON.stringify(r.generator.snapshotRequests)}`,
    '',
  );
  if (r.staleEvents.length + r.probeStaleHits.length > 0) {
    lines.push(
      `stale: ${r.staleEvents
        .slice(0, 10)
        .map(
          (e) => `${e.phase} ${e.name} (connected ${String(e.connected)}, heard ${e.lastHeardAt ?? 'never'})`,
        )
        .join('; ')}; stale=true lists: ${r.probeStaleHits
        .slice(0, 5)
        .map((hit) => `${hit.phase}: ${hit.names.join(' ')}`)
        .join('; ')}`,
      '',
    );
  }
  return lines.join('\n');
}
