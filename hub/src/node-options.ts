// The V8 options the hub runs with: its image's NODE_OPTIONS (deploy/images/hub.Dockerfile, which a test
// holds to this value), and how the quick start and the scale benchmark start it.
//
// A hub ingesting agents' reports allocates tens of MiB a second of frames and rows that live for a few
// milliseconds. With V8's default young generation (16 MiB semi-spaces at most) a scavenge came several
// times a second and copied whatever frames were in flight, and those it promoted fed full GCs: at 500
// full reports a second, 1,200 scavenges took 7.3 s of the one thread in 150 s and the fleet list API's
// p99 was ~100 ms. 64 MiB semi-spaces: 315 scavenges, 3.4 s, p99 46 ms, RSS no higher (bench/RESULTS.md).
export const HUB_NODE_OPTIONS = '--max-semi-space-size=64';
