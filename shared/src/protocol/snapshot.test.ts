import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ResourceSummary } from './common-schemas.ts';
import { ProtocolError } from './errors.ts';
import { resources as examples } from './fixtures/messages.ts';
import { frameBytes, PROTOCOL_VERSION } from './negotiate.ts';
import { parseAgentFrame } from './parse-frame.ts';
import { serializeAgentMessage } from './serialize.ts';
import { chunkSnapshot, snapshotDigest } from './snapshot.ts';
import type { SnapshotBody } from './agent-messages.ts';

/** `count` ConfigMaps with health messages of `messageLength` characters (some multi-byte). */
function many(count: number, messageLength = 100): ResourceSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    ref: { group: '', version: 'v1', kind: 'ConfigMap', namespace: `ns-${i % 7}`, name: `config-${i}` },
    health: i % 5 === 0 ? 'InProgress' : 'Current',
    healthMessage: (i % 3 === 0 ? 'ü' : 'u').repeat(messageLength),
    ...(i % 2 === 0 ? { lastAction: 'configured' as const } : {}),
    drifted: i % 4 === 0,
  }));
}

/** The frame of a chunk as the agent would really send it, with a real epoch and a large seq. */
function realFrame(body: SnapshotBody, seq = 9_007_199_254_740_000): string {
  return serializeAgentMessage({ v: PROTOCOL_VERSION, type: 'snapshot', epoch: randomUUID(), seq, body });
}

function onlyChunk(chunks: SnapshotBody[]): SnapshotBody {
  const [chunk, ...rest] = chunks;
  assert.ok(chunk !== undefined && rest.length === 0);
  return chunk;
}

describe('chunkSnapshot', () => {
  const cases: { name: string; resources: ResourceSummary[]; maxFrameBytes: number }[] = [
    {
      name: 'splits a thousand resources under a 16 KiB limit',
      resources: many(1000),
      maxFrameBytes: 16 * 1024,
    },
    {
      name: 'splits resources with multi-byte messages under a 4 KiB limit',
      resources: many(200, 256),
      maxFrameBytes: 4096,
    },
    {
      name: 'keeps a small snapshot in one chunk under the default limit',
      resources: examples,
      maxFrameBytes: 1 << 20,
    },
  ];
  for (const { name, resources, maxFrameBytes } of cases) {
    it(`${name}, every frame under the limit and every resource once, in order`, () => {
      const chunks = chunkSnapshot(resources, maxFrameBytes);
      assert.deepEqual(
        chunks.flatMap((chunk) => chunk.resources),
        resources,
      );
      chunks.forEach((chunk, index) => {
        assert.equal(chunk.chunk, index);
        assert.equal(chunk.chunks, chunks.length);
        assert.equal(chunk.digest, snapshotDigest(resources));
        const text = realFrame(chunk);
        assert.ok(frameBytes(text) <= maxFrameBytes, `chunk ${index}: ${frameBytes(text)} bytes`);
        assert.ok(parseAgentFrame(text, { maxFrameBytes }).ok);
      });
    });
  }
  it('fills chunks greedily: no chunk could have taken the next chunk’s first resource', () => {
    const resources = many(300);
    const maxFrameBytes = 8192;
    const chunks = chunkSnapshot(resources, maxFrameBytes);
    for (let i = 0; i + 1 < chunks.length; i++) {
      const current = chunks[i];
      const next = chunks[i + 1];
      assert.ok(current !== undefined && next !== undefined);
      const grown = { ...current, resources: [...current.resources, ...next.resources.slice(0, 1)] };
      assert.ok(frameBytes(realFrame(grown, 1)) > maxFrameBytes - 40);
    }
  });
  it('sends a single resource near the limit in a chunk of its own', () => {
    const big = many(3, 256);
    const alone = Math.max(
      ...big.map((resource) => frameBytes(realFrame(onlyChunk(chunkSnapshot([resource], 1 << 20))))),
    );
    const chunks = chunkSnapshot(big, alone + 40);
    assert.equal(chunks.length, 3);
    for (const chunk of chunks) assert.ok(frameBytes(realFrame(chunk)) <= alone + 40);
  });
  it('takes a lone resource whose frame is exactly at the limit, and refuses it one byte lower', () => {
    const [resource] = many(1, 256);
    assert.ok(resource !== undefined);
    const body = onlyChunk(chunkSnapshot([resource], 1 << 20));
    const exact = frameBytes(realFrame(body, Number.MAX_SAFE_INTEGER));
    assert.equal(chunkSnapshot([resource], exact).length, 1);
    assert.throws(() => chunkSnapshot([resource], exact - 1), ProtocolError);
  });
  it('refuses a resource that cannot fit in any frame under the limit', () => {
    assert.throws(
      () => chunkSnapshot(many(2, 256), 600),
      (error: unknown) =>
        error instanceof ProtocolError && error.code === 'frame-too-large' && error.path === 'resources[0]',
    );
  });
  it('sends an empty snapshot as one empty chunk', () => {
    const chunks = chunkSnapshot([], 1 << 20);
    assert.deepEqual(chunks, [
      { snapshotId: snapshotDigest([]), digest: snapshotDigest([]), chunk: 0, chunks: 1, resources: [] },
    ]);
  });
  it('uses the snapshot id it is given', () => {
    assert.equal(chunkSnapshot(examples, 1 << 20, 'snap-42')[0]?.snapshotId, 'snap-42');
  });
  it('refuses a resource that breaks the schema', () => {
    const broken = [{ ...examples[0], ref: { ...examples[0].ref, name: '' } }];
    assert.throws(
      () => chunkSnapshot(broken, 1 << 20),
      (error: unknown) => error instanceof ProtocolError && error.code === 'invalid-message',
    );
  });
});

describe('snapshotDigest', () => {
  it('is the same whatever the order of the resources', () => {
    const resources = many(50);
    const shuffled = [...resources.slice(17), ...resources.slice(0, 17)].reverse();
    assert.equal(snapshotDigest(shuffled), snapshotDigest(resources));
  });
  it('is sha256 in hex, and stable across runs for the same input', () => {
    assert.equal(
      snapshotDigest([]),
      'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.match(snapshotDigest(examples), /^sha256:[0-9a-f]{64}$/);
  });
  const changes: { name: string; change: (r: ResourceSummary) => ResourceSummary }[] = [
    { name: 'health', change: (r) => ({ ...r, health: 'Failed' }) },
    { name: 'health message', change: (r) => ({ ...r, healthMessage: 'other' }) },
    { name: 'last action', change: (r) => ({ ...r, lastAction: 'failed' }) },
    { name: 'drifted flag', change: (r) => ({ ...r, drifted: !r.drifted }) },
    { name: 'version', change: (r) => ({ ...r, ref: { ...r.ref, version: 'v2' } }) },
  ];
  for (const { name, change } of changes) {
    it(`changes when one resource's ${name} changes`, () => {
      const changed = examples.map((r, i) => (i === 0 ? change(r) : r));
      assert.notEqual(snapshotDigest(changed), snapshotDigest(examples));
    });
  }
  it('tells a missing optional field from an empty one', () => {
    const without = [{ ...examples[1] }];
    const empty = [{ ...examples[1], healthMessage: '' }];
    assert.notEqual(snapshotDigest(without), snapshotDigest(empty));
  });
});
