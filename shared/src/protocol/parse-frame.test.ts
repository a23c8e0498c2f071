import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSE_CODES, MAX_CLOSE_REASON_BYTES } from './close-codes.ts';
import { agentExample, edited, REMOVE } from './fixtures/messages.ts';
import { DEFAULT_LIMITS, frameBytes } from './negotiate.ts';
import { parseAgentFrame, type ParseOptions } from './parse-frame.ts';

const options: ParseOptions = { maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes, version: 1 };

const hello = agentExample('hello');
const report = agentExample('syncReport');
const drift = agentExample('drift');
const readiness = agentExample('readiness');

interface Refusal {
  readonly name: string;
  readonly text: string;
  readonly closeCode: number;
  /** The reason starts with this: the field at fault, or what the frame is not. */
  readonly reason: string;
  readonly options?: ParseOptions;
}

const agentRefusals: Refusal[] = [
  {
    name: 'refuses text that is not JSON as malformed',
    text: '{"v":1,"type":',
    closeCode: 4400,
    reason: 'frame is not JSON',
  },
  {
    name: 'refuses JSON that is not an object as malformed',
    text: '[1,2,3]',
    closeCode: 4400,
    reason: 'frame is not an envelope',
  },
  {
    name: 'refuses JSON null as malformed',
    text: 'null',
    closeCode: 4400,
    reason: 'frame is not an envelope',
  },
  {
    name: 'refuses an envelope without a type as malformed',
    text: edited(report, { type: REMOVE }),
    closeCode: 4400,
    reason: 'type:',
  },
  {
    name: 'refuses an envelope whose version is not a number as malformed',
    text: edited(report, { v: '1' }),
    closeCode: 4400,
    reason: 'v:',
  },
  {
    name: 'refuses an unknown message type as invalid, naming the type',
    text: edited(report, { type: 'status' }),
    closeCode: 4422,
    reason: 'type: unknown message type "status"',
  },
  {
    name: 'refuses a hub message type coming from an agent',
    text: edited(report, { type: 'welcome' }),
    closeCode: 4422,
    reason: 'type: unknown message type "welcome"',
  },
  {
    name: 'refuses a message in a version other than the negotiated one',
    text: edited(report, { v: 2 }),
    closeCode: 4406,
    reason: 'v: version 2, but version 1 was negotiated',
  },
  {
    name: 'refuses a version this build does not speak before negotiation',
    text: edited(report, { v: 7 }),
    closeCode: 4406,
    reason: 'v: version 7 is not spoken here',
    options: { maxFrameBytes: 1 << 20 },
  },
  { name: 'refuses seq 0', text: edited(report, { seq: 0 }), closeCode: 4422, reason: 'seq:' },
  {
    name: 'refuses a fractional seq',
    text: edited(report, { seq: 1.5 }),
    closeCode: 4422,
    reason: 'seq:',
  },
  {
    name: 'refuses an epoch that is not a UUID',
    text: edited(report, { epoch: 'process-1' }),
    closeCode: 4422,
    reason: 'epoch:',
  },
  {
    name: 'refuses negative counts',
    text: edited(report, { 'body.counts.created': -1 }),
    closeCode: 4422,
    reason: 'body.counts.created:',
  },
  {
    name: 'refuses a count that is a string, saying a number was expected',
    text: edited(report, { 'body.counts.created': '3' }),
    closeCode: 4422,
    reason: 'body.counts.created: expected number',
  },
  {
    name: 'refuses a readiness report with a negative count of objects not in Git',
    text: edited(readiness, { 'body.notInGit.count': -1 }),
    closeCode: 4422,
    reason: 'body.notInGit.count:',
  },
  {
    name: 'refuses a readiness report listing more objects than the bound',
    text: edited(readiness, {
      'body.notInGit.items': Array.from({ length: 51 }, () => readiness.body.notInGit.items[0]),
    }),
    closeCode: 4422,
    reason: 'body.notInGit.items:',
  },
  {
    name: 'refuses a missing count',
    text: edited(report, { 'body.counts.failed': REMOVE }),
    closeCode: 4422,
    reason: 'body.counts.failed:',
  },
  {
    name: 'refuses more than 20 errors',
    text: edited(report, { 'body.errors': Array.from({ length: 21 }, () => 'x') }),
    closeCode: 4422,
    reason: 'body.errors:',
  },
  {
    name: 'refuses an error over 512 characters',
    text: edited(report, { 'body.errors': ['x'.repeat(513)] }),
    closeCode: 4422,
    reason: 'body.errors[0]:',
  },
  {
    name: 'refuses an unchanged object in the change list',
    text: edited(report, { 'body.changes.0.action': 'unchanged' }),
    closeCode: 4422,
    reason: 'body.changes[0].action:',
  },
  {
    name: 'refuses an ObjectRef without a name',
    text: edited(report, { 'body.changes.1.ref.name': REMOVE }),
    closeCode: 4422,
    reason: 'body.changes[1].ref.name:',
  },
  {
    name: 'refuses an ObjectRef with an empty name',
    text: edited(drift, { 'body.ref.name': '' }),
    closeCode: 4422,
    reason: 'body.ref.name:',
  },
  {
    name: 'refuses a timing for a step that does not exist',
    text: edited(report, { 'body.timings.deploy': 5 }),
    closeCode: 4422,
    reason: 'body.timings.deploy: unknown field',
  },
  {
    name: 'refuses a result outside the vocabulary',
    text: edited(report, { 'body.result': 'planned' }),
    closeCode: 4422,
    reason: 'body.result:',
  },
  {
    name: 'refuses a timestamp that is not ISO 8601',
    text: edited(report, { 'body.startedAt': 'yesterday' }),
    closeCode: 4422,
    reason: 'body.startedAt:',
  },
  {
    name: 'refuses a credential field in the hello',
    text: edited(hello, { 'body.token': 'secret' }),
    closeCode: 4422,
    reason: 'body.token: unknown field',
  },
  {
    name: 'refuses a repo URL that carries a token',
    text: edited(hello, { 'body.source.repo': 'https://x:tok@git.example.com/a.git' }),
    closeCode: 4422,
    reason: 'body.source.repo:',
  },
  {
    name: 'refuses a hello that offers no version',
    text: edited(hello, { 'body.protocols': [] }),
    closeCode: 4422,
    reason: 'body.protocols:',
  },
  {
    name: 'refuses an extra key in the envelope',
    text: edited(report, { extra: 1 }),
    closeCode: 4422,
    reason: 'extra: unknown field',
  },
  {
    name: 'refuses an extra key in a hello envelope, though its version is free',
    text: edited(hello, { v: 2, credential: 'x' }),
    closeCode: 4422,
    reason: 'credential: unknown field',
  },
  {
    name: 'refuses a __proto__ key rather than merging it',
    text: edited(report, { body: JSON.parse('{"__proto__":{"x":1}}') as unknown }),
    closeCode: 4422,
    reason: 'body',
  },
  {
    name: 'refuses a snapshot chunk numbered past its count',
    text: edited(agentExample('snapshot'), { 'body.chunk': 1 }),
    closeCode: 4422,
    reason: 'body.chunk: must be less than chunks',
  },
  {
    name: 'refuses a drift with an action outside the vocabulary',
    text: edited(drift, { 'body.action': 'reverted' }),
    closeCode: 4422,
    reason: 'body.action:',
  },
];

describe('parseAgentFrame', () => {
  for (const refusal of agentRefusals) {
    it(refusal.name, () => {
      const parsed = parseAgentFrame(refusal.text, refusal.options ?? options);
      assert.ok(!parsed.ok);
      assert.equal(parsed.closeCode, refusal.closeCode, parsed.reason);
      assert.ok(parsed.reason.startsWith(refusal.reason), `reason: ${parsed.reason}`);
      assert.ok(parsed.detail.startsWith(refusal.reason), `detail: ${parsed.detail}`);
    });
  }

  it('refuses a frame over the limit in bytes even when its characters are under it', () => {
    const event = agentExample('event');
    event.body.message = 'é'.repeat(600);
    const text = JSON.stringify(event);
    const limit = text.length + 100;
    assert.ok(frameBytes(text) > limit);
    const parsed = parseAgentFrame(text, { maxFrameBytes: limit });
    assert.deepEqual(parsed.ok ? undefined : parsed.closeCode, CLOSE_CODES.tooLarge);
    assert.ok(parseAgentFrame(text, { maxFrameBytes: frameBytes(text) }).ok);
  });
  it('refuses an oversized frame before reading it, so a huge frame costs no parsing', () => {
    const parsed = parseAgentFrame('x'.repeat(2000), { maxFrameBytes: 1000 });
    assert.equal(
      parsed.ok ? undefined : parsed.reason,
      'frame of 2000 bytes is over the limit of 1000 bytes',
    );
  });
  it('reads a hello of any version, since the hello never changes shape', () => {
    const parsed = parseAgentFrame(edited(hello, { v: 3, 'body.protocols': [2, 3] }), options);
    assert.equal(parsed.ok && parsed.message.type === 'hello' ? parsed.message.body.protocols.length : 0, 2);
  });
  it('keeps the close reason within a close frame, however long the field at fault', () => {
    const text = edited(report, { [`body.${'k'.repeat(500)}`]: 1 });
    const parsed = parseAgentFrame(text, options);
    assert.ok(!parsed.ok && Buffer.byteLength(parsed.reason) <= MAX_CLOSE_REASON_BYTES);
  });
  it('names every field at fault in the detail, not only the first', () => {
    const parsed = parseAgentFrame(
      edited(report, { 'body.counts.created': -1, 'body.durationMs': 'long' }),
      options,
    );
    assert.ok(
      !parsed.ok &&
        parsed.detail.includes('body.durationMs') &&
        parsed.detail.includes('body.counts.created'),
    );
  });
});
