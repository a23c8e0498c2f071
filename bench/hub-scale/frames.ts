// The frames a simulated agent sends, written as text from templates (the generator sends thousands a
// second and must leave the CPU to the hub). checkFrames() reads one of each kind with shared's own
// parser before the run, so every frame on the wire is one the protocol's schema accepts.
import {
  parseAgentFrame,
  serializeAgentMessage,
  type AgentMessageOf,
} from '../../shared/src/protocol/index.ts';
import type { StateTable } from './state.ts';

export interface AgentIdentity {
  readonly name: string;
  readonly credential: string;
  readonly clusterUid: string;
}

const REVISION = '3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a';

export function helloFrame(
  agent: AgentIdentity,
  epoch: string,
  seq: number,
  snapshotDigest: string | undefined,
): string {
  const hello: AgentMessageOf<'hello'> = {
    v: 1,
    type: 'hello',
    epoch,
    seq,
    body: {
      clusterUid: agent.clusterUid,
      agentVersion: '0.1.0',
      kubernetesVersion: 'v1.30.2',
      source: { repo: 'https://git.example.com/fleet.git', ref: 'main', path: `clusters/${agent.name}` },
      protocols: [1],
      ...(snapshotDigest === undefined ? {} : { snapshotDigest }),
    },
  };
  // Once per connection: worth the schema's check.
  return serializeAgentMessage(hello);
}

export function heartbeatFrame(epoch: string, seq: number, at: Date): string {
  return `{"v":1,"type":"heartbeat","epoch":"${epoch}","seq":${String(seq)},"body":{"at":"${at.toISOString()}"}}`;
}

/** The delta from step `step` to `step + 1`, on the snapshot the hub holds. */
export function deltaFrame(
  state: StateTable,
  epoch: string,
  seq: number,
  snapshotId: string,
  step: number,
): string {
  return (
    `{"v":1,"type":"delta","epoch":"${epoch}","seq":${String(seq)},"body":{"snapshotId":"${snapshotId}",` +
    `"upserts":[${state.deltaUpsertsJson(step)}],"removals":[],"digest":"${state.digest(step + 1)}"}}`
  );
}

/** A full snapshot of the state at `step`, in one chunk (200 resources are ~30 KB, far under 1 MiB). */
export function snapshotFrame(
  state: StateTable,
  epoch: string,
  seq: number,
  snapshotId: string,
  step: number,
): string {
  return (
    `{"v":1,"type":"snapshot","epoch":"${epoch}","seq":${String(seq)},"body":{"snapshotId":"${snapshotId}",` +
    `"digest":"${state.digest(step)}","chunk":0,"chunks":1,"resources":${state.resourcesJson(step)}}}`
  );
}

export function syncReportFrame(
  state: StateTable,
  epoch: string,
  seq: number,
  syncId: string,
  at: Date,
): string {
  const body = {
    syncId,
    revision: REVISION,
    commitTime: new Date(at.getTime() - 20_000).toISOString(),
    startedAt: new Date(at.getTime() - 1500).toISOString(),
    durationMs: 1400,
    result: 'applied',
    health: { status: 'InProgress', message: '1 of 2 replicas updated' },
    counts: { created: 0, configured: 1, unchanged: state.size - 1, deleted: 0, failed: 0 },
    errors: [],
    changes: [
      {
        ref: {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'team-0',
          name: 'app-0-deployment',
        },
        action: 'configured',
      },
    ],
    timings: { fetch: 120, render: 30, resolve: 40, inventory: 20, apply: 1100, prune: 90 },
  };
  return `{"v":1,"type":"syncReport","epoch":"${epoch}","seq":${String(seq)},"body":${JSON.stringify(body)}}`;
}

/** Reads one frame of each kind with the protocol's parser; throws naming the kind it refuses. */
export function checkFrames(state: StateTable, agent: AgentIdentity): void {
  const epoch = '5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f';
  const frames: Record<string, string> = {
    hello: helloFrame(agent, epoch, 1, state.digest(0)),
    heartbeat: heartbeatFrame(epoch, 2, new Date()),
    syncReport: syncReportFrame(state, epoch, 3, 'check-sync-1', new Date()),
    snapshot: snapshotFrame(state, epoch, 4, 'check-snap-1', 0),
    delta: deltaFrame(state, epoch, 5, 'check-snap-1', 0),
    'delta at the last step': deltaFrame(state, epoch, 6, 'check-snap-1', state.size - 1),
  };
  for (const [kind, text] of Object.entries(frames)) {
    const parsed = parseAgentFrame(text, { maxFrameBytes: 1024 * 1024 });
    if (!parsed.ok)
      throw new Error(`the generator's ${kind} frame is refused by the protocol: ${parsed.detail}`);
  }
}
