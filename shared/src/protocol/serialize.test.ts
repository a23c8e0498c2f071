import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentMessage } from './agent-messages.ts';
import { ProtocolError } from './errors.ts';
import { agentExample, agentMessages, hubExample, hubMessages } from './fixtures/messages.ts';
import { AGENT_MESSAGE_TYPES } from './agent-messages.ts';
import { HUB_MESSAGE_TYPES, type HubMessage } from './hub-messages.ts';
import { DEFAULT_LIMITS, frameBytes } from './negotiate.ts';
import { parseAgentFrame, parseHubFrame } from './parse-frame.ts';
import { serializeAgentMessage, serializeHubMessage } from './serialize.ts';

const options = { maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes, version: 1 };

/** Runs `fn`, expecting a ProtocolError, and returns it. */
function refusal(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  assert.fail('expected a ProtocolError');
}

describe('round trips', () => {
  it('has an example of every message type in both directions', () => {
    assert.deepEqual(agentMessages.map((m) => m.type).sort(), [...AGENT_MESSAGE_TYPES].sort());
    assert.deepEqual(hubMessages.map((m) => m.type).sort(), [...HUB_MESSAGE_TYPES].sort());
  });
  for (const message of agentMessages) {
    it(`writes and reads back an agent ${message.type} unchanged`, () => {
      const parsed = parseAgentFrame(serializeAgentMessage(message), options);
      assert.deepEqual(parsed, { ok: true, message });
    });
  }
  for (const message of hubMessages) {
    it(`writes and reads back a hub ${message.type} unchanged`, () => {
      const parsed = parseHubFrame(serializeHubMessage(message), options);
      assert.deepEqual(parsed, { ok: true, message });
    });
  }
  it('writes a hello without the optional digest (a first start has no snapshot yet)', () => {
    const hello = agentExample('hello');
    delete hello.body.snapshotDigest;
    assert.deepEqual(parseAgentFrame(serializeAgentMessage(hello), options), { ok: true, message: hello });
  });
  it('writes a delta without the optional digest', () => {
    const delta = agentExample('delta');
    delete delta.body.digest;
    assert.deepEqual(parseAgentFrame(serializeAgentMessage(delta), options), { ok: true, message: delta });
  });
  it('writes a failed sync with no revision, a cluster-scoped ref and empty timings', () => {
    const report = agentExample('syncReport');
    delete report.body.revision;
    delete report.body.commitTime;
    report.body.result = 'failed';
    report.body.errors = ['fetch: repository not found'];
    report.body.changes = [
      { ref: { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'web' }, action: 'failed' },
    ];
    report.body.timings = {};
    assert.deepEqual(parseAgentFrame(serializeAgentMessage(report), options), { ok: true, message: report });
  });
});

describe('serializeAgentMessage and serializeHubMessage', () => {
  it('refuses to write an invalid message, naming the field', () => {
    const report = agentExample('syncReport');
    report.body.counts.created = -2;
    const error = refusal(() => serializeAgentMessage(report));
    assert.equal(error.code, 'invalid-message');
    assert.equal(error.path, 'body.counts.created');
    assert.match(error.message, /body\.counts\.created/);
  });
  it('refuses to write a field the schema does not know, even when the types let it through', () => {
    const refresh = { ...hubExample('refresh'), body: { reason: 'push', url: 'https://x' } } as HubMessage;
    const error = refusal(() => serializeHubMessage(refresh));
    assert.equal(error.path, 'body.url');
  });
  it('refuses to write a message in a version it does not speak', () => {
    const heartbeat = { ...agentExample('heartbeat'), v: 2 } as unknown as AgentMessage;
    assert.equal(refusal(() => serializeAgentMessage(heartbeat)).path, 'v');
  });
  it('refuses to write a frame over the limit it is given, counting bytes', () => {
    const event = agentExample('event');
    event.body.message = '€'.repeat(300);
    const text = serializeAgentMessage(event);
    assert.equal(serializeAgentMessage(event, { maxFrameBytes: frameBytes(text) }), text);
    const error = refusal(() => serializeAgentMessage(event, { maxFrameBytes: text.length + 10 }));
    assert.equal(error.code, 'frame-too-large');
  });
  it('writes plain JSON with no whitespace, so sizes are what the chunker measures', () => {
    const text = serializeHubMessage(hubExample('ack'));
    assert.equal(text, JSON.stringify(JSON.parse(text)));
  });
});
