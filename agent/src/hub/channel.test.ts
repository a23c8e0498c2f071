import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { createLogger, refKey } from '@ferry/shared';
import { HubChannel } from './channel.ts';
import { decodeSecretData, hubUrls, type HubConfig } from './config.ts';
import { CREDENTIAL_SECRET, credentialDigest, newCredential } from './credential.ts';
import type { HelloFacts } from './hello-facts.ts';
import { HubReporter } from './reporter.ts';
import { digestOf } from './resource-state.ts';
import { FakeHub, waitFor, type FakeHubOptions } from './testing/fake-hub.ts';
import { FakeKube, secret } from './testing/fake-kube.ts';
import { entry, outcome, ref, syncReport } from './testing/outcomes.ts';
import { makeTestPki, type TestPki } from './testing/tls.ts';

const NS = 'ferry-system';
const TOKEN = 'one-time-token-abc';
const FACTS: HelloFacts = {
  clusterUid: '0b8f3e4c-7a2d-4f61-8c5e-1d9a7b3c2e40',
  agentVersion: '0.1.0',
  kubernetesVersion: 'v1.30.2',
  source: { repo: 'https://git.example.com/fleet.git', ref: 'main', path: 'clusters/prod' },
  protocols: [1],
};

interface Rig {
  readonly hub: FakeHub;
  readonly kube: FakeKube;
  readonly reporter: HubReporter;
  readonly channel: HubChannel;
  readonly epoch: string;
  readonly logs: string[];
  readonly hints: { count: number };
  credential(): string;
  stop(): Promise<void>;
}

async function rig(
  options: {
    hub?: FakeHubOptions;
    token?: string | undefined;
    ca?: string;
    credential?: string;
    prepare?: (hub: FakeHub) => void;
  } = {},
): Promise<Rig> {
  const hub = await FakeHub.start(options.hub);
  options.prepare?.(hub);
  const kube = new FakeKube();
  kube.put(
    secret(NS, CREDENTIAL_SECRET, options.credential !== undefined ? { credential: options.credential } : {}),
  );
  const epoch = randomUUID();
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const reporter = new HubReporter({ epoch, log });
  const urls = hubUrls(hub.url);
  assert.ok(urls.ok);
  const config: HubConfig = {
    url: urls.url,
    channelUrl: urls.channelUrl,
    enrollUrl: urls.enrollUrl,
    enrollmentToken: 'token' in options ? options.token : TOKEN,
    ca: options.ca,
  };
  const hints = { count: 0 };
  const channel = new HubChannel({
    kube: kube.api,
    namespace: NS,
    epoch,
    config,
    rereadConfig: () => Promise.resolve({ kind: 'configured', config }),
    reporter,
    facts: () => Promise.resolve(FACTS),
    log,
    backoff: { minMs: 20, maxMs: 200, floorMs: 5 },
    random: () => 0.5,
    timeouts: { tickMs: 20, welcomeMs: 2_000, handshakeMs: 5_000, stableMs: 60_000, closeMs: 500 },
  });
  const stop = new AbortController();
  const running = channel.run(stop.signal, () => {
    hints.count++;
  });
  return {
    hub,
    kube,
    reporter,
    channel,
    epoch,
    logs,
    hints,
    credential: () =>
      decodeSecretData(
        kube.objects.get(FakeKube.key({ kind: 'Secret', namespace: NS, name: CREDENTIAL_SECRET }))?.data,
      ).credential ?? '',
    stop: async () => {
      stop.abort();
      await running;
      await hub.stop();
    },
  };
}

const api = ref('Deployment', 'api');
const svc = ref('Service', 'api');
const cm = ref('ConfigMap', 'settings');

function logged(rig: Rig, pattern: RegExp): Record<string, unknown> | undefined {
  const line = rig.logs.find((l) => pattern.test(l));
  return line === undefined ? undefined : (JSON.parse(line) as Record<string, unknown>);
}

describe('hub channel: enrollment', () => {
  it('enrolls with the one-time token when the hub does not know the credential, then connects with it', async () => {
    const r = await rig({ prepare: (hub) => hub.tokens.set(TOKEN, 'ok') });
    try {
      await waitFor('the hello of an enrolled agent', () =>
        r.hub.received.some((x) => x.message.type === 'hello'),
      );
      const credential = r.credential();
      assert.equal(r.hub.enrollments.length, 1);
      assert.deepEqual(r.hub.enrollments[0], {
        token: TOKEN,
        credentialDigest: credentialDigest(credential),
      });
      const hello = r.hub.received.find((x) => x.message.type === 'hello')?.message;
      assert.ok(hello?.type === 'hello');
      assert.equal(hello.epoch, r.epoch);
      assert.deepEqual({ ...hello.body }, { ...FACTS });
      await waitFor('the connected log line', () => logged(r, /connected to the hub/) !== undefined);
      // Neither the credential nor the token in any frame or log line.
      const everything = [...r.logs, ...r.hub.received.map((x) => JSON.stringify(x.message))].join('\n');
      assert.ok(!everything.includes(credential));
      assert.ok(!everything.includes(TOKEN));
    } finally {
      await r.stop();
    }
  });

  it('logs a refused enrollment with its reason and backs off to the cap', async () => {
    const r = await rig({ prepare: (hub) => hub.tokens.set(TOKEN, 'used') });
    try {
      await waitFor('the refusal', () => logged(r, /refused the enrollment \(used\)/) !== undefined);
      const line = logged(r, /refused the enrollment \(used\)/);
      assert.equal(line?.level, 'error');
      assert.equal(line.reason, 'used');
      assert.equal(line.retryInMs, 100); // half the 200 ms cap: the ceiling went straight to it
      assert.equal(r.hub.connections, 0);
    } finally {
      await r.stop();
    }
  });

  it('says so when the credential is refused and there is no token to enroll with', async () => {
    const r = await rig({ token: undefined });
    try {
      await waitFor('the error', () => logged(r, /holds no enrollmentToken/) !== undefined);
      assert.equal(r.hub.enrollments.length, 0);
    } finally {
      await r.stop();
    }
  });

  it('makes a new credential when the hub holds the old one already (revoked), and enrolls with it', async () => {
    const old = newCredential();
    const r = await rig({
      credential: old,
      prepare: (hub) => {
        hub.tokens.set(TOKEN, 'ok');
        hub.revoked.add(credentialDigest(old));
      },
    });
    try {
      await waitFor('a connection', () => r.hub.connections === 1);
      const fresh = r.credential();
      assert.notEqual(fresh, old);
      assert.deepEqual(
        r.hub.enrollments.map((e) => e.credentialDigest),
        [credentialDigest(old), credentialDigest(fresh)],
      );
    } finally {
      await r.stop();
    }
  });

  it('backs off to the cap when the hub says the credential belongs to another cluster (4403)', async () => {
    const r = await rig({
      prepare: (hub) => {
        hub.tokens.set(TOKEN, 'ok');
        hub.refuseHello = 4403;
      },
    });
    try {
      await waitFor('the 4403 log line', () => logged(r, /bound to another cluster/) !== undefined);
      assert.equal(logged(r, /bound to another cluster/)?.retryInMs, 100);
    } finally {
      await r.stop();
    }
  });
});

describe('hub channel: the session', () => {
  it('reports syncs, sends the snapshot the hub asked for once there is state, then deltas on it', async () => {
    const r = await rig({ prepare: (hub) => hub.tokens.set(TOKEN, 'ok') });
    try {
      await waitFor('a connection', () => r.hub.connections === 1);
      r.reporter.syncDone(
        outcome(syncReport({ changeSet: [entry(api, 'created'), entry(cm, 'created')] })),
        new Date(),
      );
      await r.reporter.settled();
      await waitFor('the snapshot', () => r.hub.heldDigest !== undefined);
      assert.equal(r.hub.heldDigest, digestOf(r.reporter.state ?? new Map()));
      const snapshotId = r.hub.heldSnapshotId;
      r.reporter.syncDone(
        outcome(
          syncReport({
            changeSet: [entry(api, 'configured'), entry(svc, 'created')],
            pruned: [entry(cm, 'deleted')],
          }),
        ),
        new Date(),
      );
      await r.reporter.settled();
      await waitFor('the delta', () => r.hub.storedOf('delta').length === 1);
      assert.equal(r.hub.heldSnapshotId, snapshotId);
      assert.equal(r.hub.heldDigest, digestOf(r.reporter.state ?? new Map()));
      assert.deepEqual([...r.hub.resources.keys()].sort(), [refKey(api), refKey(svc)].sort());
      await waitFor('every ack', () => r.reporter.outbox.inFlight === 0 && r.reporter.outbox.waiting === 0);
      assert.equal(r.hub.storedOf('syncReport').length, 2);
    } finally {
      await r.stop();
    }
  });

  it('resends unacked messages after a reconnect with their original seqs; the hub stores each once', async () => {
    const r = await rig({ prepare: (hub) => hub.tokens.set(TOKEN, 'ok') });
    try {
      await waitFor('a connection', () => r.hub.connections === 1);
      r.hub.autoAck = false;
      r.reporter.syncDone(outcome(syncReport({ changeSet: [entry(api, 'created')] })), new Date());
      r.reporter.eventRecorded({
        reason: 'Applied',
        type: 'Normal',
        message: 'Deployment.apps/web/api created',
      });
      await r.reporter.settled();
      await waitFor(
        'two stored',
        () => r.hub.storedOf('syncReport').length === 1 && r.hub.storedOf('event').length === 1,
      );
      const firstSeqs = r.hub.received
        .filter((x) => x.connection === 1 && x.message.type !== 'heartbeat')
        .map((x) => x.message.seq);
      assert.deepEqual(
        firstSeqs,
        [...firstSeqs].sort((a, b) => a - b),
        'in seq order on a connection',
      );
      r.hub.dropAgent();
      await waitFor(
        'a reconnect',
        () => r.hub.connections === 2 && r.hub.received.filter((x) => x.connection === 2).length >= 3,
      );
      const second = r.hub.received
        .filter((x) => x.connection === 2 && x.message.type !== 'heartbeat')
        .map((x) => x.message);
      const [hello, ...resent] = second;
      assert.equal(hello?.type, 'hello');
      assert.equal(hello.epoch, r.epoch);
      const report = r.hub.storedOf('syncReport')[0];
      const event = r.hub.storedOf('event')[0];
      assert.deepEqual(
        resent.slice(0, 2).map((m) => [m.type, m.seq]),
        [
          ['syncReport', report?.seq],
          ['event', event?.seq],
        ],
      );
      assert.ok(
        resent.slice(0, 2).every((m) => m.seq < hello.seq),
        'resends carry seqs below the new hello',
      );
      // The hub's copy matches the reconnect's digest: no second snapshot, and no snapshot resent.
      assert.equal(hello.body.snapshotDigest, r.hub.heldDigest);
      assert.ok(!resent.some((m) => m.type === 'snapshot'));
      assert.equal(r.hub.storedOf('syncReport').length, 1);
      assert.equal(r.hub.storedOf('event').length, 1);
      r.hub.ackAll(r.epoch);
      await waitFor('the outbox emptied', () => r.reporter.outbox.inFlight === 0);
    } finally {
      await r.stop();
    }
  });

  it('waits from the start again after a connection on which the hub stored something, and longer each time against one that stored nothing', async () => {
    const r = await rig({ prepare: (hub) => hub.tokens.set(TOKEN, 'ok') });
    const entries = (): Record<string, unknown>[] =>
      r.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const welcomed = (n: number) =>
      waitFor(
        `connection ${n} welcomed`,
        () => entries().filter((e) => e.msg === 'connected to the hub').length === n,
      );
    // The rig's backoff: ceilings 20, 40, 80, 160, 200 ms, and random() = 0.5 waits half of each.
    const waits = (): unknown[] =>
      entries()
        .filter((entry) => entry.msg === 'the connection to the hub ended')
        .map((entry) => entry.retryInMs);
    try {
      for (let round = 1; round <= 3; round++) {
        await welcomed(round);
        r.reporter.eventRecorded({ reason: 'Applied', type: 'Normal', message: `round ${round}` });
        await r.reporter.settled();
        await waitFor(
          `round ${round} stored and acknowledged`,
          () => r.hub.storedOf('event').length === round && r.reporter.outbox.inFlight === 0,
        );
        r.hub.dropAgent();
      }
      await welcomed(4);
      assert.deepEqual(waits(), [10, 10, 10], 'a hub that stored our messages restarts the waits');
      for (let round = 4; round <= 6; round++) {
        await welcomed(round);
        r.hub.dropAgent();
      }
      await welcomed(7);
      assert.deepEqual(waits(), [10, 10, 10, 20, 40, 80], 'welcomed but nothing stored: the waits grow');
    } finally {
      await r.stop();
    }
  });

  it('acts on one refresh hint at once, defers the next to the end of the interval and folds the rest into it', async () => {
    const r = await rig({
      hub: { limits: { refreshMinIntervalSeconds: 3600 } },
      prepare: (hub) => hub.tokens.set(TOKEN, 'ok'),
    });
    try {
      await waitFor('a connection', () => logged(r, /connected to the hub/) !== undefined);
      for (let i = 0; i < 3; i++) r.hub.send({ v: 1, type: 'refresh', body: { reason: `push ${i}` } });
      const handled = (): number => r.logs.filter((line) => line.includes('"msg":"refresh hint: ')).length;
      await waitFor('the three hints handled', () => handled() === 3);
      // One fetch now; the others are deferred to the end of the hour or folded into a fetch already due
      // (in the same millisecond as the first, a hint is part of its fetch, which has not started yet).
      assert.equal(r.hints.count, 1);
      assert.ok(r.channel.droppedHints >= 1, 'at least the third hint was folded in');
    } finally {
      await r.stop();
    }
  });

  const bad: { name: string; text: (hub: FakeHub) => string; code: number; reason: RegExp }[] = [
    {
      name: 'a refresh that names a URL',
      text: () =>
        JSON.stringify({ v: 1, type: 'refresh', body: { reason: 'x', url: 'https://evil.example.com' } }),
      code: 4422,
      reason: /body\.url/,
    },
    { name: 'a frame that is not JSON', text: () => '{not json', code: 4400, reason: /not JSON/ },
    {
      name: 'an unknown message type',
      text: () => JSON.stringify({ v: 1, type: 'apply', body: {} }),
      code: 4422,
      reason: /unknown message type/,
    },
    {
      name: 'a message in another version',
      text: () => JSON.stringify({ v: 2, type: 'heartbeat', body: { at: '2024-05-01T12:00:00Z' } }),
      code: 4406,
      reason: /version 2/,
    },
    {
      name: 'a frame over maxFrameBytes',
      text: (hub) =>
        JSON.stringify({ v: 1, type: 'refresh', body: { reason: 'x'.repeat(hub.limits.maxFrameBytes) } }),
      code: 4413,
      reason: /over the limit/,
    },
  ];
  for (const { name, text, code, reason } of bad) {
    it(`closes with ${code} on ${name}, logs it, and connects again`, async () => {
      const r = await rig({
        hub: { limits: { maxFrameBytes: 64 * 1024 } },
        prepare: (hub) => hub.tokens.set(TOKEN, 'ok'),
      });
      try {
        await waitFor('a connection', () => logged(r, /connected to the hub/) !== undefined);
        r.hub.send(text(r.hub));
        await waitFor('the close', () => r.hub.agentCloses.some((c) => c.code === code));
        assert.match(r.hub.agentCloses.find((c) => c.code === code)?.reason ?? '', reason);
        assert.equal(logged(r, /refused a frame from the hub/)?.closeCode, code);
        await waitFor('a reconnect', () => r.hub.connections === 2);
      } finally {
        await r.stop();
      }
    });
  }

  it('sends heartbeats when idle, and drops a link that stays silent for three of them', async () => {
    const r = await rig({
      hub: { limits: { heartbeatSeconds: 1 } },
      prepare: (hub) => hub.tokens.set(TOKEN, 'ok'),
    });
    try {
      await waitFor('a heartbeat', () => r.hub.received.some((x) => x.message.type === 'heartbeat'));
      // The fake hub sends no heartbeats of its own: after 3 s of silence the agent gives up on it.
      await waitFor('the dead link', () => logged(r, /the link to the hub is dead/) !== undefined, 8_000);
      await waitFor('a reconnect', () => r.hub.connections === 2);
    } finally {
      await r.stop();
    }
  });
});

describe('hub channel: TLS with the hub’s own CA', () => {
  let pki: TestPki;
  before(async () => {
    pki = await makeTestPki();
  });

  it('connects over wss when given the CA that signed the hub’s certificate', async () => {
    const r = await rig({
      hub: { tls: { cert: pki.cert, key: pki.key } },
      ca: pki.ca,
      prepare: (hub) => hub.tokens.set(TOKEN, 'ok'),
    });
    try {
      assert.ok(r.hub.url.startsWith('https://'));
      await waitFor('a connection', () => r.hub.connections === 1);
    } finally {
      await r.stop();
    }
  });

  it('does not connect without it: the certificate is verified', async () => {
    const r = await rig({
      hub: { tls: { cert: pki.cert, key: pki.key } },
      prepare: (hub) => hub.tokens.set(TOKEN, 'ok'),
    });
    try {
      await waitFor(
        'the failure',
        () => logged(r, /enrollment failed|cannot connect to the hub/) !== undefined,
      );
      assert.equal(r.hub.connections, 0);
      assert.equal(r.hub.enrollments.length, 0);
    } finally {
      await r.stop();
    }
  });
});
