// A hello body checked as the hub reads it: through parseAgentFrame in a real envelope.
import { parseAgentFrame, type HelloBody } from '@ferry/shared/protocol';

export function parseHelloBody(body: HelloBody): boolean {
  const text = JSON.stringify({
    v: 1,
    type: 'hello',
    epoch: '5f0c8e2a-3b1d-4c6e-9a7f-2d4b6c8e0a1f',
    seq: 1,
    body,
  });
  return parseAgentFrame(text, { maxFrameBytes: 1 << 20 }).ok;
}
