import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSseParser } from '../cli/sse-parser.ts';
import { formatSseComment, formatSseEvent } from './sse.ts';

describe('SSE framing', () => {
  it('frames an event with its id, type, and one data line per line of its data', () => {
    assert.equal(
      formatSseEvent({ id: 'ab-3', event: 'cluster', data: 'one\ntwo\r\nthree\rfour' }),
      'id: ab-3\nevent: cluster\ndata: one\ndata: two\ndata: three\ndata: four\n\n',
    );
    assert.equal(formatSseEvent({ data: '' }), 'data: \n\n');
  });

  it('refuses a line break in an id or an event type', () => {
    assert.throws(() => formatSseEvent({ id: 'a\nb', data: 'x' }), /SSE id/);
    assert.throws(() => formatSseEvent({ event: 'a\rb', data: 'x' }), /SSE event/);
  });

  it('frames a comment that clients ignore', () => {
    assert.equal(formatSseComment('ping'), ': ping\n\n');
  });

  it('reads back what it framed, multi-line data included, however the text is cut into chunks', () => {
    const text =
      formatSseComment('ping') +
      formatSseEvent({ event: 'snapshot', data: '{}' }) +
      formatSseEvent({ id: 'e-1', event: 'cluster', data: '{\n  "name": "a"\n}' }) +
      formatSseEvent({ data: 'plain' });
    for (const size of [1, 2, 3, 7, text.length]) {
      const parser = createSseParser();
      const events = [];
      for (let i = 0; i < text.length; i += size) events.push(...parser.push(text.slice(i, i + size)));
      assert.deepEqual(events, [
        { event: 'snapshot', data: '{}', lastEventId: undefined },
        { event: 'cluster', data: '{\n  "name": "a"\n}', lastEventId: 'e-1' },
        { event: 'message', data: 'plain', lastEventId: 'e-1' },
      ]);
      assert.equal(parser.lastEventId, 'e-1');
    }
  });

  it('takes \\r\\n split across chunks as one line break', () => {
    const parser = createSseParser();
    assert.deepEqual(parser.push('data: a\r'), []);
    assert.deepEqual(parser.push('\ndata: b\r\n\r'), [
      { event: 'message', data: 'a\nb', lastEventId: undefined },
    ]);
    assert.deepEqual(parser.push('\n'), []);
  });
});
