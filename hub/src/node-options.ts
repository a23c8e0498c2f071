// The V8 options the hub runs with: its image's NODE_OPTIONS (deploy/images/hub.Dockerfile, which a test
// holds to this value), and how the quick start and the scale benchmark start it.
//
// A hub ingesting agents' reports allocates tens of MiB a second of frames and rows that live for a few
// milliseconds. With V8's default young generation (16 MiB semi-spaces at most) a scavenge came ~8 times
// a second and copied whatever frames were in flight, and what it promoted fed full GCs: in a 150 s run
// with bursts of 500 full reports a second, 1,204 scavenges took 7.3 s of the one thread. With 32 MiB:
// 583 scavenges, 4.2 s, RSS no higher. 64 MiB halved the count again, but a scavenge copies what is
// live, and when the hub fell behind (frames queued) single scavenges took up to 74 ms (bench/RESULTS.md).
// Those measurements were of the one thread that then did everything; the flag is process-wide, and
// the agent channel's ingest thread (channel/ingest-worker.ts) is now the one that allocates so (the
// main thread, with the sockets and the API, far less). Not measured again since the split.
//
// --v8-pool-size=1: one V8 helper thread (concurrent marking, parallel scavenges, compiling), not
// Node's four whatever the cores. On a hub's 1-2 cores, four helpers beside the main thread took the CPU
// from it in the middle of an ingest burst: the API waited behind them. Measured at 10,000 agents (three
// runs each, bench/RESULTS.md "2026-11-27, 18:17–"): /healthz p99 while ingesting 36.5–47.6 ms against
// 46.6–82.3 with the default, the fleet list's p99 50.8–61.5 against 61.6–82.8.
export const HUB_NODE_OPTIONS = '--max-semi-space-size=32 --v8-pool-size=1';
