// The agent's Git source against the harness's real Git server (git http-backend over smart HTTP):
// every kind of ref, authentication, a dangling HEAD, history rewrites, incremental fetches and the
// typed errors. One repository per scenario, named after it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isRenderInput } from '../../agent/src/render/index.ts';
import {
  DEFAULT_FETCH_SOURCE_OPTIONS,
  fetchSource,
  SourceError,
  type FetchSourceOptions,
  type GitAuth,
  type RefSpec,
  type SourceErrorCode,
} from '../../agent/src/source/index.ts';
import { gitRequestHandler } from '../harness/src/git-server.ts';
import { freePort, Harness } from '../harness/src/index.ts';
import { createPki } from '../harness/src/pki.ts';

const harness = Harness.fromEnv();
const repos = harness.repos();
const server = harness.gitServer();
const token: GitAuth = { kind: 'bearer', token: server.tokens[0] ?? '' };
const user = server.users[0];
const basic: GitAuth = { kind: 'basic', username: user?.username ?? '', password: user?.password ?? '' };

const scratch = mkdtempSync(join(tmpdir(), 'ferry-git-source-'));
let caches = 0;
/** A fresh, empty cache directory (an agent that just started). */
const freshCache = (): string => join(scratch, `cache-${++caches}`);

function options(cacheDir: string, extra: Partial<FetchSourceOptions> = {}): FetchSourceOptions {
  return { ...DEFAULT_FETCH_SOURCE_OPTIONS, cacheDir, wantFile: isRenderInput, ...extra };
}

const configMap = (name: string, value = 'v'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: ${value}\n`;

/** A repository named after the scenario, with a path `apps/web` holding manifests and a README. */
async function repoWith(scenario: string, value = 'one'): Promise<{ url: string; sha: string }> {
  const name = `${scenario}-${randomBytes(3).toString('hex')}`;
  const created = await repos.create(name, {
    files: {
      'apps/web/cm.yaml': configMap('web', value),
      'apps/web/README.md': '# not a manifest\n',
      'other/x.yaml': configMap('x'),
    },
  });
  return { url: created.url, sha: created.sha ?? '' };
}

const nameOf = (url: string): string => url.slice(server.url.length + 1, -'.git'.length);

async function fetchAt(
  url: string,
  ref: RefSpec,
  cacheDir = freshCache(),
  extra: Partial<FetchSourceOptions> = {},
  auth = token,
) {
  return fetchSource({ url, ref, path: 'apps/web', auth }, options(cacheDir, extra));
}

function rejectsWith(code: SourceErrorCode, fragment: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof SourceError, `a SourceError, not ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.includes(fragment), `"${fragment}" in: ${error.message}`);
    return true;
  };
}

const decode = (content: Uint8Array): string => new TextDecoder().decode(content);

describe('Git source on the harness Git server', () => {
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('follows a branch: revision, commit metadata, and only the manifests under the path', async () => {
    const { url, sha } = await repoWith('branch');
    const result = await fetchAt(url, { kind: 'branch', name: 'main' });
    assert.equal(result.revision, `main@sha1:${sha}`);
    assert.equal(result.commit.sha, sha);
    assert.ok(result.commit.author.name.length > 0 && result.commit.author.email.includes('@'));
    assert.ok(Math.abs(Date.parse(result.commit.time) - Date.now()) < 10 * 60_000, result.commit.time);
    assert.deepEqual(
      result.files.map((file) => file.path),
      ['cm.yaml'],
    );
    assert.equal(decode(result.files[0]?.content ?? new Uint8Array()), configMap('web', 'one'));
    assert.equal(result.history.relation, 'first-fetch');
  });

  it('follows a lightweight tag and an annotated tag down to their commits', async () => {
    const { url, sha } = await repoWith('tags');
    const name = nameOf(url);
    await repos.tag(name, 'light');
    const second = await repos.commit(name, { 'apps/web/cm.yaml': configMap('web', 'two') });
    await repos.tag(name, 'annotated', { annotated: true, message: 'release' });
    await repos.commit(name, { 'apps/web/cm.yaml': configMap('web', 'three') });

    const light = await fetchAt(url, { kind: 'tag', name: 'light' });
    assert.equal(light.revision, `light@sha1:${sha}`);
    const annotated = await fetchAt(url, { kind: 'tag', name: 'annotated' });
    assert.equal(annotated.revision, `annotated@sha1:${second}`);
    assert.match(decode(annotated.files[0]?.content ?? new Uint8Array()), /key: two/);
  });

  it('follows a semver range: the highest matching tag wins, found without cloning', async () => {
    const { url } = await repoWith('semver');
    const name = nameOf(url);
    const shas: Record<string, string> = {};
    for (const version of ['v1.0.0', 'v1.2.0', 'v1.10.0', 'v2.0.0']) {
      shas[version] = await repos.commit(name, { 'apps/web/cm.yaml': configMap('web', version) });
      await repos.tag(name, version, { annotated: version === 'v1.10.0' });
    }
    const ranged = await fetchAt(url, { kind: 'semver', range: '1.x' });
    assert.equal(ranged.revision, `v1.10.0@sha1:${shas['v1.10.0'] ?? ''}`);
    const narrow = await fetchAt(url, { kind: 'semver', range: '>=1.2.0 <1.3' });
    assert.equal(narrow.resolvedRef, 'v1.2.0');
    await assert.rejects(
      fetchAt(url, { kind: 'semver', range: '>=3' }),
      rejectsWith('no-matching-tag', '>=3'),
    );
  });

  it('follows a pinned commit that is not the tip of any branch', async () => {
    const { url, sha: first } = await repoWith('pinned', 'old');
    await repos.commit(nameOf(url), { 'apps/web/cm.yaml': configMap('web', 'new') });
    const pinned = await fetchAt(url, { kind: 'commit', sha: first });
    assert.equal(pinned.revision, `sha1:${first}`);
    assert.match(decode(pinned.files[0]?.content ?? new Uint8Array()), /key: old/);
    const missing = 'f'.repeat(40);
    await assert.rejects(
      fetchAt(url, { kind: 'commit', sha: missing }),
      rejectsWith('ref-not-found', missing),
    );
  });

  it('authenticates with basic auth and with a bearer token, and names a refusal', async () => {
    const { url, sha } = await repoWith('auth');
    assert.equal(
      (await fetchAt(url, { kind: 'branch', name: 'main' }, freshCache(), {}, basic)).commit.sha,
      sha,
    );
    assert.equal(
      (await fetchAt(url, { kind: 'branch', name: 'main' }, freshCache(), {}, token)).commit.sha,
      sha,
    );
    await assert.rejects(
      fetchAt(url, { kind: 'branch', name: 'main' }, freshCache(), {}, { kind: 'bearer', token: 'wrong' }),
      rejectsWith('auth-refused', 'HTTP 401'),
    );
    await assert.rejects(
      fetchAt(url, { kind: 'branch', name: 'main' }, freshCache(), {}, { kind: 'none' }),
      rejectsWith('auth-refused', url),
    );
  });

  it('follows an explicit branch when the server HEAD dangles', async () => {
    const { url, sha } = await repoWith('dangling-head');
    await repos.setHead(nameOf(url), 'master');
    const result = await fetchAt(url, { kind: 'branch', name: 'main' });
    assert.equal(result.commit.sha, sha);
  });

  it('tells a fast-forward from a force-push, deepening past the shallow boundary before deciding', async () => {
    const { url, sha: base } = await repoWith('rewrite');
    const name = nameOf(url);
    const cache = freshCache();
    const first = await fetchAt(url, { kind: 'branch', name: 'main' }, cache);
    let tip = base;
    for (let i = 0; i < 5; i++)
      tip = await repos.commit(name, { 'apps/web/cm.yaml': configMap('web', `n${i}`) });

    // The new tip is five commits ahead; a depth-1 fetch stops at a shallow boundary, which proves nothing.
    const forward = await fetchAt(url, { kind: 'branch', name: 'main' }, freshCache(), {
      previousSha: first.commit.sha,
    });
    assert.equal(forward.history.relation, 'fast-forward');
    const again = await fetchAt(url, { kind: 'branch', name: 'main' }, cache, { previousSha: tip });
    assert.equal(again.history.relation, 'unchanged');

    await repos.forcePush(name, { branch: 'main', to: base });
    const rewritten = await repos.commit(name, { 'apps/web/cm.yaml': configMap('web', 'rewritten') });
    const after = await fetchAt(url, { kind: 'branch', name: 'main' }, cache, { previousSha: tip });
    assert.equal(after.commit.sha, rewritten);
    assert.equal(after.history.relation, 'rewritten');
    assert.equal(after.history.previous, tip);
  });

  it('fetches incrementally: a second fetch moves only the new objects', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++)
      files[`apps/web/cm-${i}.yaml`] = configMap(`cm-${i}`, randomBytes(600).toString('hex'));
    const name = `incremental-${randomBytes(3).toString('hex')}`;
    const { url } = await repos.create(name, { files });
    const cache = freshCache();
    const first = await fetchAt(url, { kind: 'branch', name: 'main' }, cache);
    assert.equal(first.files.length, 40);
    const packs = (): string[] => {
      const dir = join(cache, readdirSync(cache)[0] ?? '', 'objects', 'pack');
      return readdirSync(dir)
        .filter((file) => file.endsWith('.idx'))
        .map((file) => join(dir, file));
    };
    const objectsIn = (idx: string): number =>
      execFileSync('git', ['verify-pack', '-v', idx], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => /^[0-9a-f]{40} (commit|tree|blob|tag) /.test(line)).length;
    const [firstPack] = packs();
    assert.ok(firstPack !== undefined && objectsIn(firstPack) >= 43, 'the first fetch carried every file');

    await repos.commit(name, { 'apps/web/new.yaml': configMap('new') });
    const second = await fetchAt(url, { kind: 'branch', name: 'main' }, cache, {
      previousSha: first.commit.sha,
    });
    assert.equal(second.history.relation, 'fast-forward');
    assert.equal(second.files.length, 41);
    const added = packs().filter((pack) => pack !== firstPack);
    assert.equal(added.length, 1);
    // commit + root tree + apps + apps/web + the new blob
    assert.ok(objectsIn(added[0] ?? '') <= 5, `the second fetch moved ${objectsIn(added[0] ?? '')} objects`);
  });

  it('names a missing path, branch and tag, and an unreachable server', async () => {
    const { url } = await repoWith('errors');
    await assert.rejects(
      fetchSource(
        { url, ref: { kind: 'branch', name: 'main' }, path: 'nope/here', auth: token },
        options(freshCache()),
      ),
      rejectsWith('path-not-found', 'nope/here'),
    );
    await assert.rejects(
      fetchAt(url, { kind: 'branch', name: 'gone' }),
      rejectsWith('ref-not-found', 'branch gone'),
    );
    await assert.rejects(fetchAt(url, { kind: 'tag', name: 'v9' }), rejectsWith('ref-not-found', 'tag v9'));
    await assert.rejects(
      fetchAt(`${server.url}/no-such-repo.git`, { kind: 'branch', name: 'main' }),
      rejectsWith('repo-not-found', 'no-such-repo'),
    );
    const nowhere = `http://127.0.0.1:${await freePort()}/repo.git`;
    await assert.rejects(
      fetchAt(nowhere, { kind: 'branch', name: 'main' }),
      rejectsWith('unreachable', nowhere),
    );
  });

  it('trusts a Git server whose certificate a custom CA signed, and names an untrusted one', async () => {
    const { url: plainUrl, sha } = await repoWith('custom-ca');
    const pki = await createPki(join(scratch, 'pki'), 'git');
    const https = createHttpsServer(
      { key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert) },
      gitRequestHandler({ root: server.root, users: [...server.users], tokens: [...server.tokens] }),
    );
    await new Promise<void>((listening) => https.listen(0, '127.0.0.1', listening));
    try {
      const url = `https://127.0.0.1:${(https.address() as AddressInfo).port}/${nameOf(plainUrl)}.git`;
      const ca = readFileSync(pki.caCert, 'utf8');
      const spec = { url, ref: { kind: 'branch', name: 'main' } as const, path: 'apps/web', auth: token };
      assert.equal((await fetchSource({ ...spec, ca }, options(freshCache()))).commit.sha, sha);
      await assert.rejects(
        fetchSource(spec, options(freshCache())),
        rejectsWith('tls-untrusted', 'CA bundle'),
      );
    } finally {
      https.closeAllConnections();
      await new Promise((closed) => https.close(closed));
    }
  });

  it('goes through the proxy named by HTTP_PROXY', async () => {
    const { url, sha } = await repoWith('proxy');
    const tunnels: string[] = [];
    // A CONNECT proxy: undici tunnels through it and the proxy only pipes bytes.
    const proxy: Server = createTcpServer((client) => {
      client.once('data', (head) => {
        const target = /^CONNECT ([^ ]+) HTTP/.exec(head.toString('latin1'))?.[1];
        if (target === undefined) return client.destroy();
        tunnels.push(target);
        const [host, port] = target.split(':');
        const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client).pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
    await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening));
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      assert.equal((await fetchAt(url, { kind: 'branch', name: 'main' })).commit.sha, sha);
      assert.ok(
        tunnels.includes(new URL(url).host),
        `the fetch tunnelled through the proxy: ${tunnels.join(', ')}`,
      );
    } finally {
      delete process.env.HTTP_PROXY;
      await new Promise((closed) => proxy.close(closed));
    }
  });
});
