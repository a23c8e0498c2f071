import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentExample, edited, hubExample } from './fixtures/messages.ts';
import { DEFAULT_LIMITS } from './negotiate.ts';
import { parseHubFrame, type ParseOptions } from './parse-frame.ts';

const options: ParseOptions = { maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes, version: 1 };

interface Refusal {
  readonly name: string;
  readonly text: string;
  readonly closeCode: number;
  /** The reason starts with this: the field at fault. */
  readonly reason: string;
}

describe('parseHubFrame', () => {
  const refusals: Refusal[] = [
    {
      name: 'refuses a refresh that names a URL',
      text: edited(hubExample('refresh'), { 'body.url': 'https://evil.example.com/x.git' }),
      closeCode: 4422,
      reason: 'body.url: unknown field',
    },
    {
      name: 'refuses a refresh that names a ref',
      text: edited(hubExample('refresh'), { 'body.ref': 'evil' }),
      closeCode: 4422,
      reason: 'body.ref: unknown field',
    },
    {
      name: 'refuses an agent message type coming from the hub',
      text: edited(agentExample('syncReport')),
      closeCode: 4422,
      reason: 'type: unknown message type "syncReport"',
    },
    {
      name: 'refuses a welcome whose version differs from its envelope',
      text: edited(hubExample('welcome'), { 'body.version': 2 }),
      closeCode: 4422,
      reason: 'body.version:',
    },
    {
      name: 'refuses a welcome with a frame limit below the floor',
      text: edited(hubExample('welcome'), { 'body.limits.maxFrameBytes': 100 }),
      closeCode: 4422,
      reason: 'body.limits.maxFrameBytes:',
    },
    {
      name: 'refuses a snapshotRequest with anything in it',
      text: edited(hubExample('snapshotRequest'), { 'body.path': 'x' }),
      closeCode: 4422,
      reason: 'body.path: unknown field',
    },
    {
      name: 'refuses an ack of seq 0',
      text: edited(hubExample('ack'), { 'body.seq': 0 }),
      closeCode: 4422,
      reason: 'body.seq:',
    },
    {
      name: 'refuses a hub message with an agent envelope field',
      text: edited(hubExample('ack'), { seq: 4 }),
      closeCode: 4422,
      reason: 'seq: unknown field',
    },
    {
      name: 'refuses a hub message in an unsupported version',
      text: edited(hubExample('heartbeat'), { v: 2 }),
      closeCode: 4406,
      reason: 'v:',
    },
  ];
  for (const refusal of refusals) {
    it(refusal.name, () => {
      const parsed = parseHubFrame(refusal.text, options);
      assert.ok(!parsed.ok);
      assert.equal(parsed.closeCode, refusal.closeCode, parsed.reason);
      assert.ok(parsed.reason.startsWith(refusal.reason), `reason: ${parsed.reason}`);
    });
  }
});

describe('parseHubFrame accepts', () => {
  it('a welcome before any version is negotiated, in a version this build speaks', () => {
    const parsed = parseHubFrame(edited(hubExample('welcome')), { maxFrameBytes: 1 << 20 });
    assert.ok(parsed.ok && parsed.message.type === 'welcome');
  });
  it('a refresh with an empty reason', () => {
    assert.ok(parseHubFrame(edited(hubExample('refresh'), { 'body.reason': '' }), options).ok);
  });
});
