// Repositories on the test Git server, made and changed with the git CLI. Each repo has a bare
// repository `<root>/<name>.git` (what the server serves) and a work clone `<workDir>/<name>`.
// Pushes go from the work clone straight to the bare path; `commit(..., { overHttp: true })` pushes
// through the HTTP server instead, to exercise receive-pack with authentication.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from './errors.ts';
import type { GitServerRecord } from './types.ts';

const run = promisify(execFile);

/** A fixed identity, and no system or global git configuration (no signing, no hooks, no templates). */
const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Ferry Test',
  GIT_AUTHOR_EMAIL: 'ferry-test@example.invalid',
  GIT_COMMITTER_NAME: 'Ferry Test',
  GIT_COMMITTER_EMAIL: 'ferry-test@example.invalid',
};

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

export interface CreateRepoOptions {
  readonly branch?: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly message?: string;
}

export interface CommitOptions {
  readonly message?: string;
  /** The branch to commit on (default main). A branch the server lacks starts from the server's HEAD branch, or empty. */
  readonly branch?: string;
  /** Push through the HTTP server with the first user's (or token's) credentials instead of to the bare path. */
  readonly overHttp?: boolean;
}

export interface TagOptions {
  /** A branch on the server, a tag, or a commit SHA; default: the branch the server's HEAD points to. */
  readonly ref?: string;
  readonly annotated?: boolean;
  readonly message?: string;
}

export class GitRepos {
  readonly server: GitServerRecord;
  readonly workDir: string;

  constructor(server: GitServerRecord, workDir: string) {
    this.server = server;
    this.workDir = workDir;
  }

  url(name: string): string {
    return `${this.server.url}/${name}.git`;
  }

  /** The URL with the first user's credentials in it (the plain URL when there are no users). */
  urlWithCredentials(name: string): string {
    const user = this.server.users[0];
    if (user === undefined) return this.url(name);
    const url = new URL(this.url(name));
    url.username = encodeURIComponent(user.username);
    url.password = encodeURIComponent(user.password);
    return url.toString();
  }

  async create(name: string, options: CreateRepoOptions = {}): Promise<{ url: string; sha?: string }> {
    const branch = options.branch ?? 'main';
    const bare = this.#bare(name);
    if (existsSync(bare)) throw new HarnessError('bad-state', `git repo ${name} already exists at ${bare}`);
    await mkdir(dirname(bare), { recursive: true });
    await this.#git(name, ['-c', 'init.defaultBranch=main', 'init', '--quiet', '--bare', bare]);
    await this.#git(name, ['config', 'http.receivepack', 'true'], bare);
    await this.#git(name, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`], bare);
    const work = this.#work(name);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    await this.#git(name, ['-c', 'init.defaultBranch=main', 'init', '--quiet'], work);
    await this.#git(name, ['remote', 'add', 'origin', bare], work);
    if (options.files === undefined) return { url: this.url(name) };
    const sha = await this.commit(name, options.files, {
      branch,
      message: options.message ?? `create ${name}`,
    });
    return { url: this.url(name), sha };
  }

  /** Writes (string) or deletes (null) files, commits (empty commits allowed), pushes; returns the new SHA. */
  async commit(
    name: string,
    files: Readonly<Record<string, string | null>>,
    options: CommitOptions = {},
  ): Promise<string> {
    const branch = options.branch ?? 'main';
    const work = await this.#checkout(name, branch);
    for (const [path, content] of Object.entries(files)) {
      const target = this.#inside(name, work, path);
      if (content === null) {
        await rm(target, { force: true });
      } else {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    }
    await this.#git(name, ['add', '--all'], work);
    const message = options.message ?? `update ${Object.keys(files).join(', ') || 'nothing'}`;
    await this.#git(name, ['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message], work);
    const sha = await this.#git(name, ['rev-parse', 'HEAD'], work);
    await this.#push(name, work, [`HEAD:refs/heads/${branch}`], options.overHttp === true);
    return sha;
  }

  /** Creates (or moves) a tag on the server; returns the SHA of the tagged commit. */
  async tag(name: string, tag: string, options: TagOptions = {}): Promise<string> {
    const work = await this.#sync(name);
    const ref = options.ref ?? (await this.#headBranch(name));
    const sha = await this.#resolve(name, work, ref);
    const args = options.annotated === true ? ['-a', '-m', options.message ?? `tag ${tag}`] : [];
    await this.#git(name, ['tag', '--force', ...args, tag, sha], work);
    await this.#push(name, work, [`+refs/tags/${tag}:refs/tags/${tag}`], false);
    return sha;
  }

  /** Moves `branch` on the server to any commit of the repo (e.g. an older one) with a force-push. */
  async forcePush(name: string, options: { branch: string; to: string }): Promise<void> {
    const work = await this.#sync(name);
    const sha = await this.#resolve(name, work, options.to);
    await this.#push(name, work, [`+${sha}:refs/heads/${options.branch}`], false);
  }

  async deleteBranch(name: string, branch: string): Promise<void> {
    await this.head(name, branch); // throws, naming the branch, when it is not there
    await this.#git(name, ['update-ref', '-d', `refs/heads/${branch}`], this.#bare(name));
  }

  /** Points the server's HEAD at `branch`, which need not exist (a dangling HEAD). */
  async setHead(name: string, branch: string): Promise<void> {
    await this.#git(name, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`], this.#bare(name));
  }

  /** The SHA `branch` has on the server. */
  async head(name: string, branch: string): Promise<string> {
    const bare = this.#bare(name);
    try {
      return await this.#git(
        name,
        ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
        bare,
      );
    } catch (error) {
      throw new HarnessError('bad-state', `git repo ${name} has no branch ${branch} on the server`, {
        cause: error,
      });
    }
  }

  #bare(name: string): string {
    if (!NAME.test(name))
      throw new HarnessError('bad-state', `invalid git repo name ${JSON.stringify(name)}`);
    return join(this.server.root, `${name}.git`);
  }

  #work(name: string): string {
    this.#bare(name);
    return join(this.workDir, name);
  }

  #inside(name: string, work: string, path: string): string {
    const relative = normalize(path);
    if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`) || relative === '.') {
      throw new HarnessError('bad-state', `file path ${JSON.stringify(path)} is outside git repo ${name}`);
    }
    return join(work, relative);
  }

  /** The branch the server's HEAD points to. */
  async #headBranch(name: string): Promise<string> {
    const ref = await this.#git(name, ['symbolic-ref', 'HEAD'], this.#bare(name));
    return ref.replace(/^refs\/heads\//, '');
  }

  /** Brings the work clone up to date with the server (which is changed behind its back) and returns its path. */
  async #sync(name: string): Promise<string> {
    const work = this.#work(name);
    if (!existsSync(this.#bare(name)) || !existsSync(work)) {
      throw new HarnessError('bad-state', `git repo ${name} was not created with GitRepos.create`);
    }
    await this.#git(
      name,
      [
        'fetch',
        '--quiet',
        '--prune',
        '--force',
        'origin',
        '+refs/heads/*:refs/remotes/origin/*',
        '+refs/tags/*:refs/tags/*',
      ],
      work,
    );
    return work;
  }

  /** Checks out the server's `branch` in the work clone, discarding local state. */
  async #checkout(name: string, branch: string): Promise<string> {
    const work = await this.#sync(name);
    const remote = async (b: string): Promise<boolean> =>
      (await this.#tryGit(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${b}`], work)) !==
      undefined;
    const base = (await remote(branch)) ? branch : await this.#headBranch(name);
    if (await remote(base)) {
      await this.#git(
        name,
        ['checkout', '--quiet', '--force', '-B', branch, `refs/remotes/origin/${base}`],
        work,
      );
    } else if ((await this.#tryGit(['rev-parse', '--verify', '--quiet', 'HEAD'], work)) === undefined) {
      await this.#git(name, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`], work);
    } else {
      await this.#git(name, ['checkout', '--quiet', '--force', '--orphan', branch], work);
      await this.#git(name, ['rm', '-r', '-f', '--quiet', '--ignore-unmatch', '.'], work);
    }
    await this.#git(name, ['clean', '-f', '-d', '-x', '--quiet'], work);
    return work;
  }

  /** A commit SHA for a branch on the server, a tag, or a SHA. */
  async #resolve(name: string, work: string, ref: string): Promise<string> {
    for (const candidate of [`refs/remotes/origin/${ref}`, `refs/tags/${ref}`, ref]) {
      const sha = await this.#tryGit(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], work);
      if (sha !== undefined) return sha;
    }
    throw new HarnessError('bad-state', `git repo ${name} has no commit, branch or tag ${ref}`);
  }

  async #push(name: string, work: string, refspecs: readonly string[], overHttp: boolean): Promise<void> {
    if (!overHttp) {
      await this.#git(name, ['push', '--quiet', 'origin', ...refspecs], work);
      return;
    }
    const token = this.server.tokens[0];
    const auth =
      this.server.users.length === 0 && token !== undefined
        ? ['-c', `http.extraHeader=Authorization: Bearer ${token}`]
        : [];
    await this.#git(name, [...auth, 'push', '--quiet', this.urlWithCredentials(name), ...refspecs], work);
  }

  async #tryGit(args: readonly string[], cwd: string): Promise<string | undefined> {
    try {
      const { stdout } = await run('git', args, { cwd, env: GIT_ENV });
      return stdout.trim();
    } catch {
      return undefined;
    }
  }

  /** Runs git; failures name the repo and carry git's stderr, with credentials redacted. */
  async #git(name: string, args: readonly string[], cwd?: string): Promise<string> {
    try {
      const { stdout } = await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 16 * 1024 * 1024 });
      return stdout.trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() ?? (error as Error).message;
      throw new HarnessError(
        'command-failed',
        redact(`git ${args.join(' ')} failed for git repo ${name}: ${stderr}`, this.server),
      );
    }
  }
}

function redact(text: string, server: GitServerRecord): string {
  let result = text.replace(/\/\/[^/@\s]*:[^/@\s]*@/g, '//***:***@');
  for (const secret of [...server.users.map((u) => u.password), ...server.tokens]) {
    if (secret !== '') result = result.split(secret).join('***');
  }
  return result;
}
