// The CLI against a real hub: the API app (createApp) on a real SQLite store, served on 127.0.0.1 at
// a port chosen at run time, install manifests rendered from the shipped static manifest, and `ferry`
// run as a child process (from source, as a script would run the built one). The exit-code cases run
// the same code in process (runFerry), still over real sockets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { createLogger } from '@ferry/shared';
import { createApp } from '../api/app.ts';
import type { ChannelView } from '../api/deps.ts';
import { digest, newToken } from '../crypto.ts';
import {
  describeInstall,
  parseYamlStream,
  renderInstallManifest,
  type StaticManifest,
} from '../install/index.ts';
import { shippedStaticManifest } from '../install/test-static-manifest.ts';
import type { Cluster } from '../store/index.ts';
import { tempStore, type TempStore } from '../store/test-store.ts';
import { EXIT } from './exit-codes.ts';
import { runFerry } from './ferry.ts';
import { recordingIo } from './test-io.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const REPO = 'https://git.example.com/fleet.git';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `ferry ARGS` from source in a child process; only PATH, HOME and `env` reach it. */
function ferry(args: readonly string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@ferry/source', CLI_MAIN, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

const channel: ChannelView = {
  isConnected: () => false,
  refresh: () => false,
  disconnect: () => false,
  following: () => [],
};

describe('ferry against a real hub', () => {
  let store: TempStore;
  let server: Server;
  let hub: string;
  let home: string;
  let env: Record<string, string>;
  let shipped: StaticManifest;
  const adminToken = newToken('api');
  const viewerToken = newToken('api');
  const firstManifest: { token?: string } = {};

  before(async () => {
    shipped = await shippedStaticManifest();
    store = tempStore();
    const now = new Date();
    store.store.createApiToken({ digest: digest(adminToken), name: 'ann', role: 'admin' }, now);
    store.store.createApiToken({ digest: digest(viewerToken), name: 'vic', role: 'viewer' }, now);
    // The app needs the hub's URL, known once the server listens: requests until then get 503.
    const route: { handler?: (request: Request) => Response | Promise<Response> } = {};
    server = await new Promise<Server>((resolve) => {
      const started = serve(
        {
          fetch: (request) => (route.handler ?? (() => new Response('starting', { status: 503 })))(request),
          port: 0,
          hostname: '127.0.0.1',
        },
        () => {
          resolve(started);
        },
      ) as Server;
    });
    hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = createApp({
      store: store.store,
      channel,
      now: () => new Date(),
      renderInstall: (cluster: Cluster, enrollmentToken: string) =>
        renderInstallManifest(shipped, { cluster, enrollmentToken, hubUrl: hub }),
      config: { publicUrl: hub, staleAfterMs: 120_000, startedAt: now, enrollmentTtlMs: 3_600_000 },
      log: createLogger({ level: 'error', write: () => undefined }),
    });
    route.handler = (request) => app.fetch(request);
    home = mkdtempSync(join(tmpdir(), 'ferry-cli-hub-'));
    env = { HOME: home, FERRY_CONFIG: join(home, 'ferry', 'config.json') };
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    store.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it('ferry login checks the token read from stdin and saves it, readable by its owner only', async () => {
    const run = await ferry(['login', '--hub', `${hub}/`], env, `${adminToken}\n`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `logged in to ${hub} as ann (admin); saved in ${env.FERRY_CONFIG ?? ''}\n`);
    assert.equal(statSync(env.FERRY_CONFIG ?? '').mode & 0o777, 0o600);
    assert.equal(run.stdout.includes(adminToken) || run.stderr.includes(adminToken), false);
  });

  it('ferry login refuses a token the hub does not know, exit 4, and saves nothing', async () => {
    const config = join(home, 'refused.json');
    const run = await ferry(['login', '--hub', hub, '--token', newToken('api')], {
      ...env,
      FERRY_CONFIG: config,
    });
    assert.equal(run.code, EXIT.unauthorized);
    assert.match(run.stderr, /^ferry: the hub at .* refused the token/);
    assert.throws(() => statSync(config));
  });

  it('ferry cluster add prints what the manifest installs on stderr, then the manifest', async () => {
    const run = await ferry(
      ['cluster', 'add', 'prod-eu-1', '--repo', REPO, '--path', 'clusters/prod-eu-1', '--label', 'env=prod'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^install manifest for cluster prod-eu-1: repo ${REPO}, ref main, path clusters/prod-eu-1, ` +
          `image ${shipped.image.replace(/[.]/g, '\\.')}.*; apply with kubectl apply -f -\n`,
      ),
    );
    const description = describeInstall(run.stdout);
    assert.equal(description.hubUrl, hub);
    assert.equal(description.path, 'clusters/prod-eu-1');
    const secret = parseYamlStream(run.stdout, 'manifest').find(
      (o) => (o as { metadata?: { name?: string } }).metadata?.name === 'ferry-agent-hub',
    ) as { stringData: { enrollmentToken: string } };
    firstManifest.token = secret.stringData.enrollmentToken;
    assert.equal(run.stderr.includes(firstManifest.token), false, 'the token is only in the manifest');
  });

  it('ferry cluster add of an existing name fails (exit 1) and says why', async () => {
    const run = await ferry(['cluster', 'add', 'prod-eu-1', '--repo', REPO], env);
    assert.equal(run.code, EXIT.failure);
    assert.match(run.stderr, /^ferry: adding cluster prod-eu-1: .*already exists \(conflict\)/);
    assert.equal(run.stdout, '');
  });

  it('ferry cluster list and get show the cluster, as tables and as the API JSON', async () => {
    const list = await ferry(['cluster', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /^NAME +STATE +LABELS +REPO +REF +PATH +AGE\nprod-eu-1 +pending +env=prod +https:/,
    );
    const get = await ferry(['cluster', 'get', 'prod-eu-1', '-o', 'json'], env);
    assert.equal(get.code, 0, get.stderr);
    const cluster = JSON.parse(get.stdout) as {
      name: string;
      state: string;
      source: unknown;
      labels: unknown;
    };
    assert.deepEqual(
      [cluster.name, cluster.state, cluster.source, cluster.labels],
      [
        'prod-eu-1',
        'pending',
        { repo: REPO, ref: 'main', path: 'clusters/prod-eu-1', credentialsSecret: null },
        { env: 'prod' },
      ],
    );
  });

  it('ferry cluster install-manifest issues a new token (the old one stops working) and writes a 0600 file', async () => {
    const file = join(home, 'prod-eu-1.yaml');
    const run = await ferry(['cluster', 'install-manifest', 'prod-eu-1', '-f', file], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /apply with kubectl apply -f .*prod-eu-1\.yaml\n/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const old = await fetch(`${hub}/install/${firstManifest.token ?? ''}`);
    assert.equal(old.status, 404);
    await old.body?.cancel();
  });

  it('ferry status -o json gives the items and the summary', async () => {
    const run = await ferry(['status', '-o', 'json'], env);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout) as { items: { name: string }[]; summary: { total: number } };
    assert.deepEqual(
      body.items.map((c) => c.name),
      ['prod-eu-1'],
    );
    assert.equal(body.summary.total, 1);
  });

  describe('exit codes', () => {
    const inProcess = async (argv: string[], extra: Record<string, string> = {}) => {
      const io = recordingIo({ ...env, ...extra });
      return { code: await runFerry(argv, io), out: io.out(), err: io.err() };
    };

    it('the status table ends with the summary line', async () => {
      const run = await inProcess(['status']);
      assert.equal(run.code, EXIT.ok, run.err);
      assert.match(
        run.out,
        /^NAME +STATE +HEALTH +SYNC +REVISION +LAST-HEARD\nprod-eu-1 +pending +- +- +- +never\n\n1 cluster \(1 pending\)/,
      );
    });

    it('3 for a cluster that does not exist', async () => {
      const run = await inProcess(['cluster', 'get', 'nope']);
      assert.equal(run.code, EXIT.notFound);
      assert.match(run.err, /^ferry: cluster nope: .*\(not-found\)\n$/);
    });

    it('4 for a token the hub refuses, and for a viewer adding a cluster', async () => {
      const refused = await inProcess(['status'], { FERRY_TOKEN: 'not-a-token' });
      assert.equal(refused.code, EXIT.unauthorized);
      assert.match(refused.err, /\(unauthorized\); run ferry login, or set FERRY_TOKEN\n$/);
      const viewer = await inProcess(['cluster', 'add', 'x', '--repo', REPO], { FERRY_TOKEN: viewerToken });
      assert.equal(viewer.code, EXIT.unauthorized);
      assert.match(viewer.err, /\(forbidden\)/);
    });

    it('1 for a value the hub refuses, naming the field', async () => {
      const run = await inProcess(['cluster', 'add', 'bad', '--repo', 'not a url']);
      assert.equal(run.code, EXIT.failure);
      assert.match(run.err, /\(invalid\)/);
    });

    it('5 when nothing listens at the hub URL', async () => {
      const closed = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' }) as Server;
      await new Promise<void>((resolve) => closed.once('listening', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => {
        closed.close(() => {
          resolve();
        });
      });
      const run = await inProcess(['status'], {
        FERRY_HUB: `http://127.0.0.1:${port}`,
        FERRY_TOKEN: adminToken,
      });
      assert.equal(run.code, EXIT.unreachable);
      assert.match(run.err, /^ferry: cannot reach the hub at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    });
  });

  it('keeps the token out of the config file of another hub (FERRY_HUB elsewhere sends none)', async () => {
    const elsewhere = join(home, 'other.json');
    writeFileSync(elsewhere, JSON.stringify({ hub: 'https://other.example.com', token: adminToken }));
    const io = recordingIo({ FERRY_CONFIG: elsewhere, FERRY_HUB: hub });
    assert.equal(await runFerry(['status'], io), EXIT.unauthorized);
    assert.match(io.err(), /no API token/);
  });
});
