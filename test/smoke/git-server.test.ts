// The harness's Git server is a real one: isomorphic-git (what Ferry uses) clones, fetches, lists refs
// and pushes through it, with Basic and bearer authentication, history rewrites, a dangling HEAD and
// an outage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { startGitServer, stopGitServer, restartGitServer } from '../harness/src/git-daemon.ts';
import { GitRepos } from '../harness/src/git-repos.ts';
import { isAlive } from '../harness/src/process.ts';
import type { GitServerRecord } from '../harness/src/types.ts';

const USER = { username: 'ferry-bot', password: 'pa:ss w0rd/é' };
const TOKEN = 'tok-3f9a1c7e5b';
const MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n';

function isHttpError(status: number): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof git.Errors.HttpError, `expected an HttpError, got ${String(error)}`);
    assert.equal(error.data.statusCode, status);
    return true;
  };
}

/** A plain GET on a fresh connection: status and headers. */
function plainGet(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    }).on('error', reject);
  });
}

describe('the harness Git server', () => {
  let dir = '';
  let server: GitServerRecord;
  let repos: GitRepos;
  let firstSha = '';
  let clones = 0;
  const basic = { onAuth: () => ({ username: USER.username, password: USER.password }) };
  // A fresh object each time: isomorphic-git adds to the headers it is given (Git-Protocol, Authorization).
  const bearer = (): { headers: Record<string, string> } => ({
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const cloneDir = (): string => join(dir, `clone-${++clones}`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-git-smoke-'));
    server = await startGitServer(dir, { users: [USER], tokens: [TOKEN] });
    repos = new GitRepos(server, join(dir, 'work'));
    const created = await repos.create('app', {
      files: { 'README.md': '# app\n', 'deploy/app.yaml': MANIFEST },
      message: 'first',
    });
    assert.equal(created.url, `${server.url}/app.git`);
    assert.match(created.sha ?? '', /^[0-9a-f]{40}$/);
    firstSha = created.sha ?? '';
  });

  after(async () => {
    const pid = server.process.pid;
    await stopGitServer(server);
    assert.equal(isAlive(pid), false, `git server pid ${pid} is still alive after stopGitServer`);
    await rm(dir, { recursive: true, force: true });
  });

  it('answers /healthz without credentials and asks for Basic auth elsewhere', async () => {
    const health = await plainGet(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.body.trim(), 'ok');
    const refused = await plainGet(`${repos.url('app')}/info/refs?service=git-upload-pack`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['www-authenticate'], 'Basic realm="ferry-test-git"');
  });

  it('clones with Basic auth and sees the committed file at the commit', async () => {
    const target = cloneDir();
    await git.clone({
      fs,
      http,
      dir: target,
      url: repos.url('app'),
      ref: 'main',
      singleBranch: true,
      depth: 1,
      ...basic,
    });
    assert.equal(await git.resolveRef({ fs, dir: target, ref: 'HEAD' }), firstSha);
    const { blob } = await git.readBlob({ fs, dir: target, oid: firstSha, filepath: 'deploy/app.yaml' });
    assert.equal(Buffer.from(blob).toString('utf8'), MANIFEST);
  });

  it('clones with a bearer token', async () => {
    const target = cloneDir();
    await git.clone({
      fs,
      http,
      dir: target,
      url: repos.url('app'),
      ref: 'main',
      singleBranch: true,
      ...bearer(),
    });
    assert.equal(await git.resolveRef({ fs, dir: target, ref: 'HEAD' }), firstSha);
    assert.equal(await readFile(join(target, 'README.md'), 'utf8'), '# app\n');
  });

  it('refuses a clone without credentials with 401', async () => {
    await assert.rejects(git.clone({ fs, http, dir: cloneDir(), url: repos.url('app') }), isHttpError(401));
  });

  it('refuses a wrong password and a wrong token with 401', async () => {
    const wrongPassword = { onAuth: () => ({ username: USER.username, password: 'not-it' }) };
    await assert.rejects(
      git.clone({ fs, http, dir: cloneDir(), url: repos.url('app'), ...wrongPassword }),
      isHttpError(401),
    );
    const wrongToken = { headers: { authorization: 'Bearer not-a-token' } };
    await assert.rejects(
      git.listServerRefs({ http, url: repos.url('app'), ...wrongToken }),
      isHttpError(401),
    );
  });

  it('lists a lightweight and an annotated tag with protocol v2', async () => {
    const lightweight = await repos.tag('app', 'v1.0.0');
    assert.equal(lightweight, firstSha);
    const second = await repos.commit(
      'app',
      { 'deploy/app.yaml': `${MANIFEST}data:\n  v: "2"\n` },
      { message: 'v2' },
    );
    const annotated = await repos.tag('app', 'v1.1.0', { annotated: true, message: 'release 1.1.0' });
    assert.equal(annotated, second);

    const refs = await git.listServerRefs({
      http,
      url: repos.url('app'),
      prefix: 'refs/tags/',
      protocolVersion: 2,
      peelTags: true,
      ...basic,
    });
    const byName = new Map(refs.map((ref) => [ref.ref, ref]));
    assert.deepEqual([...byName.keys()].sort(), ['refs/tags/v1.0.0', 'refs/tags/v1.1.0']);
    assert.equal(byName.get('refs/tags/v1.0.0')?.oid, firstSha);
    assert.equal(byName.get('refs/tags/v1.0.0')?.peeled, undefined);
    assert.notEqual(byName.get('refs/tags/v1.1.0')?.oid, second, 'an annotated tag is a tag object');
    assert.equal(byName.get('refs/tags/v1.1.0')?.peeled, second);
  });

  it('force-push moves the server branch back to an older commit', async () => {
    const newer = await repos.commit('app', { 'deploy/extra.yaml': 'kind: Secret\n' }, { message: 'newer' });
    assert.equal(await repos.head('app', 'main'), newer);
    await repos.forcePush('app', { branch: 'main', to: firstSha });
    assert.equal(await repos.head('app', 'main'), firstSha);
    const refs = await git.listServerRefs({
      http,
      url: repos.url('app'),
      prefix: 'refs/heads/main',
      ...bearer(),
    });
    assert.deepEqual(refs, [{ ref: 'refs/heads/main', oid: firstSha }]);
    // A later commit builds on the rewritten history, not on the discarded commit.
    const rebuilt = await repos.commit('app', { 'deploy/extra.yaml': null }, { message: 'after rewrite' });
    const target = cloneDir();
    await git.clone({ fs, http, dir: target, url: repos.url('app'), ref: 'main', ...basic });
    const log = await git.log({ fs, dir: target, ref: rebuilt });
    assert.deepEqual(
      log.map((entry) => entry.oid),
      [rebuilt, firstSha],
    );
  });

  it('deleteBranch removes the ref from the server', async () => {
    const feature = await repos.commit('app', { 'feature.txt': 'on a branch\n' }, { branch: 'feature' });
    const before = await git.listServerRefs({ http, url: repos.url('app'), prefix: 'refs/heads/', ...basic });
    assert.ok(before.some((ref) => ref.ref === 'refs/heads/feature' && ref.oid === feature));
    await repos.deleteBranch('app', 'feature');
    const afterDelete = await git.listServerRefs({
      http,
      url: repos.url('app'),
      prefix: 'refs/heads/',
      ...basic,
    });
    assert.deepEqual(
      afterDelete.map((ref) => ref.ref),
      ['refs/heads/main'],
    );
    await assert.rejects(repos.head('app', 'feature'), { name: 'HarnessError', code: 'bad-state' });
  });

  // isomorphic-git 1.44 resolves the remote HEAD in every fetch, even with an explicit ref, and fails
  // before it stores the pack when the server does not advertise one (isomorphic-git issue #1654).
  // The note in /work/shared/notes/git.md that init + fetch works around this does not hold.
  it('a dangling HEAD is not advertised and makes isomorphic-git clone and fetch fail until HEAD is fixed', async () => {
    const target = cloneDir();
    await git.init({ fs, dir: target, defaultBranch: 'main' });
    await git.addRemote({ fs, dir: target, remote: 'origin', url: repos.url('app') });
    const fetchMain = () =>
      git.fetch({ fs, http, dir: target, remote: 'origin', ref: 'main', singleBranch: true, ...basic });
    const main = await repos.head('app', 'main');

    await repos.setHead('app', 'does-not-exist');
    try {
      await assert.rejects(repos.head('app', 'does-not-exist'), { code: 'bad-state' });
      const refs = await git.listServerRefs({ http, url: repos.url('app'), symrefs: true, ...basic });
      assert.equal(
        refs.find((ref) => ref.ref === 'HEAD'),
        undefined,
        'a HEAD that points nowhere is not advertised',
      );
      assert.equal(refs.find((ref) => ref.ref === 'refs/heads/main')?.oid, main, 'branches are still listed');
      await assert.rejects(
        git.clone({ fs, http, dir: cloneDir(), url: repos.url('app'), ref: 'main', ...basic }),
        { code: 'NotFoundError', message: /HEAD/ },
      );
      await assert.rejects(fetchMain(), { code: 'NotFoundError', message: /HEAD/ });
    } finally {
      await repos.setHead('app', 'main');
    }
    const result = await fetchMain();
    assert.equal(result.fetchHead, main);
    const { blob } = await git.readBlob({ fs, dir: target, oid: main, filepath: 'README.md' });
    assert.equal(Buffer.from(blob).toString('utf8'), '# app\n');
  });

  it('fetches fail with a connection error while the server is down and work after a restart', async () => {
    const target = cloneDir();
    await git.init({ fs, dir: target, defaultBranch: 'main' });
    await git.addRemote({ fs, dir: target, remote: 'origin', url: repos.url('app') });
    const fetchMain = () =>
      git.fetch({ fs, http, dir: target, remote: 'origin', ref: 'main', singleBranch: true, ...basic });

    const oldPid = server.process.pid;
    await stopGitServer(server);
    assert.equal(isAlive(oldPid), false);
    await assert.rejects(fetchMain(), { code: 'ECONNREFUSED' });

    server = await restartGitServer(server);
    assert.notEqual(server.process.pid, oldPid);
    assert.equal(server.url, repos.url('app').replace(/\/app\.git$/, ''));
    const result = await fetchMain();
    assert.equal(result.fetchHead, await repos.head('app', 'main'));
  });

  it('accepts a push over HTTP with Basic auth (receive-pack)', async () => {
    const pushed = await repos.commit(
      'app',
      { 'pushed.txt': 'over http\n' },
      { overHttp: true, message: 'http push' },
    );
    assert.equal(await repos.head('app', 'main'), pushed);

    // And from isomorphic-git, with the bearer token.
    const target = cloneDir();
    await git.clone({
      fs,
      http,
      dir: target,
      url: repos.url('app'),
      ref: 'main',
      singleBranch: true,
      ...bearer(),
    });
    fs.writeFileSync(join(target, 'from-iso.txt'), 'isomorphic-git\n');
    await git.add({ fs, dir: target, filepath: 'from-iso.txt' });
    const isoSha = await git.commit({
      fs,
      dir: target,
      message: 'isomorphic-git push',
      author: { name: 'Ferry Test', email: 'ferry-test@example.invalid' },
    });
    const result = await git.push({ fs, http, dir: target, remote: 'origin', ref: 'main', ...bearer() });
    assert.equal(result.ok, true);
    assert.equal(await repos.head('app', 'main'), isoSha);

    const log = await readFile(server.process.logFile, 'utf8');
    assert.match(log, /POST \/app\.git\/git-receive-pack 200/);
    assert.ok(!log.includes(USER.password) && !log.includes(TOKEN), 'the server log carries no credentials');
  });
});
