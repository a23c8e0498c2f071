// GET /api/v1/events through a real hub (startHub: HTTP server on 127.0.0.1, port chosen at run time,
// real SQLite store, real agent channel) with a protocol-speaking test agent: connect, report,
// disconnect; Last-Event-ID replay; a consumer that never reads is dropped with its memory bounded
// while a fast one keeps getting every event.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SILENT_LOGGER } from '@ferry/shared';
import type { ClusterJson } from '../api/json.ts';
import { AGENT_CHANNEL_PATH } from '../channel/index.ts';
import { agentSession, connectAgent } from '../channel/test-client.ts';
import { parseHubConfig } from '../config.ts';
import { digest, newToken } from '../crypto.ts';
import { ensureStaticManifestBuilt } from '../install/test-static-manifest.ts';
import { startHub, type RunningHub } from '../server.ts';
import { enrollmentExpiry } from '../store/index.ts';
import { newCluster } from '../store/test-store.ts';
import { eventReader } from './test-stream.ts';

const QUEUE_BYTES = 16 * 1024;
const ADMIN = newToken('api');

type Reader = ReturnType<typeof eventReader>;

/** Reads events until one is a `cluster` event that passes `check`, within a bound on events read. */
async function until(reader: Reader, check: (cluster: ClusterJson) => boolean, what: string) {
  for (let read = 0; read < 100; read += 1) {
    const [event] = await reader.next(1);
    if (event === undefined) throw new Error(`the stream ended before ${what}`);
    if (event.event === 'cluster' && check(JSON.parse(event.data) as ClusterJson)) return event;
  }
  throw new Error(`no event for ${what} in 100 events`);
}

describe('GET /api/v1/events on a real hub', () => {
  let dir: string;
  let hub: RunningHub;
  let credential: string;
  const readers: Reader[] = [];

  const open = async (headers: Record<string, string> = {}, query = '') => {
    const response = await fetch(`${hub.url}/api/v1/events${query}`, {
      headers: { authorization: `Bearer ${ADMIN}`, ...headers },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(response.body);
    const reader = eventReader(response.body);
    readers.push(reader);
    return { reader, start: response.headers.get('x-ferry-stream-start') };
  };

  before(async () => {
    await ensureStaticManifestBuilt();
    dir = mkdtempSync(join(tmpdir(), 'ferry-events-'));
    const parsed = parseHubConfig(
      ['--host', '127.0.0.1', '--port', '0', '--data-dir', dir, '--public-url', 'http://127.0.0.1'],
      { env: { FERRY_HUB_ADMIN_TOKEN: ADMIN }, hostname: 'test' },
    );
    if (!parsed.ok) throw new Error('test config refused');
    hub = await startHub(parsed.config, SILENT_LOGGER, () => new Date(), {
      stream: { queueEvents: 8, queueBytes: QUEUE_BYTES },
    });
    const now = new Date();
    hub.store.createCluster(newCluster('c1', { env: 'prod' }), now);
    const token = newToken('enrollment');
    hub.store.issueEnrollmentToken('c1', digest(token), enrollmentExpiry(now), now);
    credential = newToken('api');
    assert.ok(hub.store.redeemEnrollment(digest(token), digest(credential), now).ok);
    hub.events.changed(['c1']);
  });

  after(async () => {
    for (const reader of readers) await reader.cancel().catch(() => undefined);
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs an API token', async () => {
    const response = await fetch(`${hub.url}/api/v1/events`);
    assert.equal(response.status, 401);
    await response.body?.cancel();
  });

  it('follows an agent: connected, its sync report, disconnected; then replays after a Last-Event-ID', async () => {
    const { reader, start } = await open({}, '?selector=env%3Dprod');
    assert.equal(start, 'snapshot');
    const first = await reader.next(3);
    assert.deepEqual(
      first.map((e) => e.event),
      ['snapshot', 'cluster', 'ready'],
    );

    const session = agentSession(randomUUID());
    const link = await connectAgent(`ws://127.0.0.1:${hub.port}${AGENT_CHANNEL_PATH}`, credential);
    link.send(session.hello());
    await link.take('welcome');
    const connected = await until(reader, (c) => c.connected && c.state === 'enrolled', 'connected');

    const report = session.syncReport('sync-1', 'a'.repeat(40));
    link.send(report);
    await link.acked(session.epoch, report.seq);
    const synced = await until(reader, (c) => c.sync?.syncId === 'sync-1', 'the sync report');
    assert.equal(
      synced.lastEventId?.endsWith(`-${String(Number(connected.lastEventId?.split('-')[1]) + 1)}`),
      true,
    );

    link.close();
    await link.closed;
    const gone = await until(reader, (c) => !c.connected, 'disconnected');

    const replay = await open({ 'last-event-id': connected.lastEventId ?? '' });
    assert.equal(replay.start, 'replay');
    const replayed = await replay.reader.next(3);
    assert.deepEqual(
      replayed.map((e) => [e.event, e.lastEventId]),
      [
        ['cluster', synced.lastEventId],
        ['cluster', gone.lastEventId],
        ['ready', gone.lastEventId],
      ],
    );
  });

  it('drops a consumer that never reads, its queue bounded, while a fast one gets every event', async () => {
    const { reader: fast } = await open();
    await fast.next(3);
    const slow = connect(hub.port, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', resolve));
    slow.pause();
    slow.write(`GET /api/v1/events HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`);
    const slowClosed = new Promise<void>((resolve) =>
      slow.once('close', () => {
        resolve();
      }),
    );
    slow.on('error', () => undefined);
    const subscribersBefore = hub.events.stats().subscribers;
    const droppedBefore = hub.events.stats().ended.dropped;
    let changes = 0;
    while (hub.events.stats().ended.dropped === droppedBefore) {
      assert.ok(changes < 5000, 'the slow consumer was never dropped');
      changes += 1;
      hub.store.recordRefusal('c1', `refusal ${changes} ${'x'.repeat(4000)}`, new Date());
      hub.events.changed(['c1']);
      await until(
        fast,
        (c) => c.refusal?.message.startsWith(`refusal ${changes} `) === true,
        `change ${changes}`,
      );
      assert.ok(hub.events.stats().largestQueueBytes <= QUEUE_BYTES);
    }
    assert.ok(hub.events.stats().subscribers < subscribersBefore + 1);
    slow.destroy();
    await slowClosed;
    hub.store.recordRefusal('c1', 'after the drop', new Date());
    hub.events.changed(['c1']);
    await until(fast, (c) => c.refusal?.message === 'after the drop', 'a change after the drop');
  });
});
