// The test Git server as a background process:
//   node --import tsx test/harness/src/git-server-main.ts <config.json>
// where config.json is { port, root, users, tokens }. Listens on 127.0.0.1:port, logs one line per
// request (method, path, status: never credentials), and closes gracefully on SIGTERM.
import { readFileSync } from 'node:fs';
import { createGitHttpServer, type GitServerConfigFile } from './git-server.ts';
import type { GitUser } from './types.ts';

function fail(message: string): never {
  console.error(`git-server: ${message}`);
  process.exit(1);
}

function isUser(value: unknown): value is GitUser {
  const user = value as Partial<GitUser> | null;
  return typeof user?.username === 'string' && typeof user.password === 'string';
}

function readConfig(file: string | undefined): GitServerConfigFile {
  if (file === undefined) fail('usage: git-server-main.ts <config.json>');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const config = parsed as Partial<GitServerConfigFile> | null;
  if (typeof config?.port !== 'number' || typeof config.root !== 'string') {
    fail(`${file} needs a numeric "port" and a string "root"`);
  }
  const users: unknown = config.users ?? [];
  const tokens: unknown = config.tokens ?? [];
  if (!Array.isArray(users) || !users.every(isUser)) {
    fail(`${file}: "users" must be a list of { "username": string, "password": string }`);
  }
  if (!Array.isArray(tokens) || !tokens.every((token) => typeof token === 'string')) {
    fail(`${file}: "tokens" must be a list of strings`);
  }
  return { port: config.port, root: config.root, users, tokens };
}

const config = readConfig(process.argv[2]);
const server = createGitHttpServer(config);

server.on('request', (req, res) => {
  const started = Date.now();
  // The path only: the query string and headers are not logged.
  const path = new URL(req.url ?? '/', 'http://git.invalid').pathname;
  res.once('close', () => {
    const outcome = res.writableFinished ? String(res.statusCode) : `${res.statusCode} (aborted)`;
    console.log(
      `${new Date().toISOString()} ${req.method ?? '?'} ${path} ${outcome} ${Date.now() - started}ms`,
    );
  });
});

server.on('error', (error: NodeJS.ErrnoException) => {
  fail(`cannot listen on 127.0.0.1:${config.port}: ${error.message}`);
});

server.listen(config.port, '127.0.0.1', () => {
  console.log(
    `git-server: listening on http://127.0.0.1:${config.port} (root ${config.root}, ` +
      `${config.users.length} user(s), ${config.tokens.length} token(s))`,
  );
});

process.once('SIGTERM', () => {
  console.log('git-server: SIGTERM, closing');
  server.close(() => {
    console.log('git-server: closed');
    process.exit(0);
  });
  server.closeIdleConnections();
  // Requests still running after the grace period are cut off.
  setTimeout(() => {
    server.closeAllConnections();
  }, 3_000).unref();
});
