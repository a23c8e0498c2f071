// `ferry-agent render` as a pull-request pipeline runs it: against the harness Git server, with a token
// file, and the exit codes that tell invalid manifests from Git errors and bad arguments.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Harness } from '../harness/src/index.ts';
import { ferryAgent } from './ferry-agent.ts';

const SECRET_VALUE = 'c3VwZXItc2VjcmV0'; // "super-secret"
const GOOD = {
  'deploy/app.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: ${SECRET_VALUE}
`,
};

describe('ferry-agent render', () => {
  const harness = Harness.fromEnv();
  const repos = harness.repos();
  const server = harness.gitServer();
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-render-cli-'));
  const tokenFile = join(scratch, 'token');
  const name = `render-cli-${randomBytes(3).toString('hex')}`;
  let url = '';

  before(async () => {
    writeFileSync(tokenFile, `${server.tokens[0] ?? ''}\n`);
    url = (await repos.create(name, { files: GOOD })).url;
    await repos.tag(name, 'v1.0.0');
    await repos.commit(name, { 'deploy/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' });
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prints the rendered objects of a tag with their sources, Secret values redacted, and exits 0', async () => {
    const run = await ferryAgent([
      'render',
      '--repo',
      url,
      '--ref',
      'tag:v1.0.0',
      '--path',
      'deploy',
      '--auth-token-file',
      tokenFile,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# Revision: v1\.0\.0@sha1:[0-9a-f]{40}$/m);
    assert.match(run.stdout, /# Source: app\.yaml:1\napiVersion: v1\nkind: Service/);
    assert.match(run.stdout, /protocol: TCP/);
    assert.match(run.stdout, /password: <redacted>/);
    assert.ok(
      !run.stdout.includes(SECRET_VALUE) && !run.stderr.includes(SECRET_VALUE),
      'the Secret value is not printed',
    );
    const shown = await ferryAgent(
      ['render', '--repo', url, '--ref', 'tag:v1.0.0', '--path', 'deploy', '--show-secrets'],
      {
        FERRY_GIT_TOKEN: server.tokens[0] ?? '',
      },
    );
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(shown.stdout.includes(SECRET_VALUE), 'printed when asked for');
  });

  it('exits 1 with file:line when the branch holds an invalid manifest', async () => {
    const run = await ferryAgent([
      'render',
      '--repo',
      url,
      '--path',
      'deploy',
      '--auth-token-file',
      tokenFile,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^broken\.yaml:1: missing metadata\.name \[missing-field\]$/m);
    assert.equal(run.stdout, '');
  });

  it('exits 3 on a Git error and names it, and 2 on bad arguments', async () => {
    writeFileSync(join(scratch, 'wrong'), 'not-the-token');
    const refused = await ferryAgent(['render', '--repo', url, '--auth-token-file', join(scratch, 'wrong')]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /source error \(auth-refused\)/);
    assert.ok(!refused.stderr.includes('not-the-token'), 'the token is not echoed');
    const missingPath = await ferryAgent([
      'render',
      '--repo',
      url,
      '--path',
      'nope',
      '--auth-token-file',
      tokenFile,
    ]);
    assert.equal(missingPath.code, 3);
    assert.match(missingPath.stderr, /path-not-found/);
    assert.equal((await ferryAgent(['render'])).code, 2);
    assert.equal((await ferryAgent(['render', '--repo', url, '--ref', 'a..b'])).code, 2);
    assert.equal((await ferryAgent(['render', '--dir', scratch, '--bogus'])).code, 2);
  });

  it('renders a local folder with --dir', async () => {
    const dir = join(scratch, 'local');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n');
    const run = await ferryAgent(['render', '--dir', dir, '--target-namespace', 'team-a']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /name: local\n {2}namespace: team-a/);
  });
});
