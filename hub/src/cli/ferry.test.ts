import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT } from './exit-codes.ts';
import { runFerry } from './ferry.ts';
import { recordingIo } from './test-io.ts';

const NO_CONFIG = { FERRY_CONFIG: '/nonexistent/ferry/config.json' };

const COMMANDS = [
  [],
  ['login'],
  ['status'],
  ['cluster'],
  ['cluster', 'add'],
  ['cluster', 'list'],
  ['cluster', 'get'],
  ['cluster', 'install-manifest'],
];

describe('ferry --help', () => {
  for (const command of COMMANDS) {
    it(`ferry ${[...command, '--help'].join(' ')} prints usage and examples, exit 0`, async () => {
      const io = recordingIo(NO_CONFIG);
      assert.equal(await runFerry([...command, '--help'], io), EXIT.ok);
      assert.match(io.out(), /^usage: ferry/);
      assert.match(io.out(), /\nexamples:\n {2}ferry /);
      assert.equal(io.err(), '');
    });
  }

  it('documents the exit codes at the top', async () => {
    const io = recordingIo(NO_CONFIG);
    await runFerry(['help'], io);
    assert.match(
      io.out(),
      /exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 unauthorized or forbidden, 5 hub unreachable/,
    );
  });
});

describe('usage errors exit 2 with the message and the usage', () => {
  const cases: [string[], RegExp][] = [
    [[], /^ferry: give a command\n\nusage: ferry <command>/],
    [['deploy'], /^ferry: unknown command deploy\n/],
    [['cluster', 'remove'], /^ferry: unknown command cluster remove\n\nusage: ferry cluster <command>/],
    [['cluster', 'add'], /^ferry: give the cluster NAME\n/],
    [['cluster', 'add', 'a'], /^ferry: give --repo URL\n/],
    [
      ['cluster', 'add', 'a', '--repo', 'https://g/x.git', '--label', 'novalue'],
      /--label novalue: give KEY=VALUE/,
    ],
    [['cluster', 'get'], /^ferry: give the cluster NAME\n/],
    [['cluster', 'get', 'a', 'b'], /^ferry: unexpected argument b\n/],
    [['status', '-o', 'csv'], /^ferry: -o csv: give one of table, wide, json, yaml\n/],
    [
      ['status', '--health', 'Broken'],
      /--health Broken: give one of Current, InProgress, Failed, Terminating, Unknown/,
    ],
    [['status', '--stale', 'maybe'], /--stale maybe: give one of true, false/],
    [['status', '--selector', 'env'], /--selector env: give KEY=VALUE pairs/],
    [['status', '--bogus'], /^ferry: Unknown option '--bogus'/],
    [['status'], /^ferry: no hub: run `ferry login --hub URL`, or set FERRY_HUB/],
    [['login'], /^ferry: give --hub URL\n/],
    [['login', '--hub', 'ftp://x'], /^ferry: --hub: must be an http\(s\) URL, not ftp\n/],
    [['login', '--hub', 'http://127.0.0.1:1'], /^ferry: give --token TOKEN, or pipe the token on stdin\n/],
  ];
  for (const [argv, message] of cases) {
    it(`ferry ${argv.join(' ')}`, async () => {
      const io = recordingIo(NO_CONFIG);
      assert.equal(await runFerry(argv, io), EXIT.usage);
      assert.match(io.err(), message);
      assert.equal(io.out(), '');
    });
  }
});

describe('no token', () => {
  it('exits 4 before asking the hub, saying how to log in', async () => {
    const io = recordingIo({ ...NO_CONFIG, FERRY_HUB: 'http://127.0.0.1:1' });
    assert.equal(await runFerry(['cluster', 'get', 'a'], io), EXIT.unauthorized);
    assert.match(io.err(), /^ferry: cluster a: no API token; run ferry login, or set FERRY_TOKEN\n$/);
  });
});
