// The ingest thread's logger: its lines cross to the main thread's logger at its level, with their fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardingLogger } from './ingest-core.ts';
import type { IngestEvent } from './ingest-messages.ts';

describe('the ingest thread’s logger', () => {
  it('sends lines at the main thread’s level and above, with the fields of its children', () => {
    const sent: IngestEvent[] = [];
    const log = forwardingLogger((event) => sent.push(event), 'info', { component: 'ingest' });
    log.debug('not sent');
    log.info('sent', { n: 1 });
    log.child({ cluster: 'a' }).error('failed', { n: 2 });
    assert.deepEqual(sent, [
      { type: 'log', level: 'info', msg: 'sent', fields: { component: 'ingest', n: 1 } },
      { type: 'log', level: 'error', msg: 'failed', fields: { component: 'ingest', cluster: 'a', n: 2 } },
    ]);
    assert.equal(log.level, 'info');
  });
});
