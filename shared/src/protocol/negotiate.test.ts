import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hubExample } from './fixtures/messages.ts';
import {
  DEFAULT_LIMITS,
  LIMIT_RANGES,
  negotiateVersion,
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  type Limits,
} from './negotiate.ts';
import { parseHubFrame } from './parse-frame.ts';
import { serializeHubMessage } from './serialize.ts';

describe('negotiateVersion', () => {
  const cases: { name: string; offered: number[]; supported: number[]; chosen: number | undefined }[] = [
    { name: 'chooses the only version both speak', offered: [1], supported: [1], chosen: 1 },
    { name: 'chooses the highest version both speak', offered: [1, 2, 3], supported: [2, 3, 4], chosen: 3 },
    {
      name: 'ignores the order in which the agent lists them',
      offered: [3, 1, 2],
      supported: [1, 2],
      chosen: 2,
    },
    {
      name: 'chooses nothing when they share no version',
      offered: [2, 3],
      supported: [1],
      chosen: undefined,
    },
    { name: 'chooses nothing for an empty offer', offered: [], supported: [1], chosen: undefined },
  ];
  for (const { name, offered, supported, chosen } of cases) {
    it(name, () => {
      assert.equal(negotiateVersion(offered, supported), chosen);
    });
  }
  it('speaks version 1 in this build, and writes the version it speaks', () => {
    assert.equal(PROTOCOL_VERSION, 1);
    assert.ok(PROTOCOL_VERSIONS.includes(PROTOCOL_VERSION));
    assert.equal(negotiateVersion([1]), 1);
  });
});

describe('limits', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(DEFAULT_LIMITS, {
      maxFrameBytes: 1048576,
      maxUnacked: 64,
      heartbeatSeconds: 20,
      refreshMinIntervalSeconds: 10,
    });
  });
  it('keeps every default inside the range a welcome may carry', () => {
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
      const { min, max } = LIMIT_RANGES[key];
      assert.ok(DEFAULT_LIMITS[key] >= min && DEFAULT_LIMITS[key] <= max, key);
    }
  });
  const edges: { name: string; limits: Partial<Limits>; ok: boolean }[] = [
    {
      name: 'accepts the smallest frame limit',
      limits: { maxFrameBytes: LIMIT_RANGES.maxFrameBytes.min },
      ok: true,
    },
    {
      name: 'refuses a frame limit one byte under the smallest',
      limits: { maxFrameBytes: LIMIT_RANGES.maxFrameBytes.min - 1 },
      ok: false,
    },
    { name: 'refuses zero unacked messages', limits: { maxUnacked: 0 }, ok: false },
    { name: 'refuses a fractional heartbeat', limits: { heartbeatSeconds: 2.5 }, ok: false },
    {
      name: 'refuses a refresh interval of more than a day',
      limits: { refreshMinIntervalSeconds: 86_401 },
      ok: false,
    },
  ];
  for (const { name, limits, ok } of edges) {
    it(`welcome ${name}`, () => {
      const welcome = hubExample('welcome');
      welcome.body.limits = { ...DEFAULT_LIMITS, ...limits };
      const text = JSON.stringify(welcome);
      assert.equal(parseHubFrame(text, { maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes }).ok, ok);
      if (ok) assert.equal(serializeHubMessage(welcome), text);
    });
  }
});
