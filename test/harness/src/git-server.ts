// A real Git smart-HTTP server for tests: `git http-backend` run as a CGI program behind node:http,
// with optional HTTP Basic users and bearer tokens in front of it.
import { spawn } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GitUser } from './types.ts';

export interface GitHttpServerConfig {
  /** Directory of bare repositories, served as `/<name>.git`. */
  readonly root: string;
  /** Basic-auth users; with no users and no tokens, every request is let in. */
  readonly users: readonly GitUser[];
  /** Accepted bearer tokens. */
  readonly tokens: readonly string[];
}

/** The JSON file git-server-main.ts reads. */
export interface GitServerConfigFile extends GitHttpServerConfig {
  readonly port: number;
}

const REALM = 'ferry-test-git';
/** CGI variables taken from request headers. */
const PASSED_HEADERS = {
  CONTENT_LENGTH: 'content-length',
  HTTP_CONTENT_ENCODING: 'content-encoding',
  GIT_PROTOCOL: 'git-protocol',
} as const;
/** REMOTE_USER for requests authenticated by a bearer token (git only needs a non-empty name). */
const TOKEN_USER = 'bearer-token';

export function createGitHttpServer(config: GitHttpServerConfig): Server {
  return createServer(gitRequestHandler(config));
}

/** The request handler alone, for an HTTPS server (tests of custom CAs) or a proxy in front. */
export function gitRequestHandler(
  config: GitHttpServerConfig,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://git.invalid').pathname;
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      reply(res, 200, 'ok');
      return;
    }
    const user = authenticate(config, req.headers.authorization);
    if (user === undefined) {
      res.setHeader('WWW-Authenticate', `Basic realm="${REALM}"`);
      reply(res, 401, 'authentication required');
      return;
    }
    runBackend(config, req, res, user).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else reply(res, 500, `git http-backend bridge failed: ${(error as Error).message}`);
    });
  };
}

function same(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The REMOTE_USER for the request, or undefined when it must be refused. */
function authenticate(config: GitHttpServerConfig, header: string | undefined): string | undefined {
  if (config.users.length === 0 && config.tokens.length === 0) return 'anonymous';
  const match = /^(\w+)\s+(.+)$/.exec(header?.trim() ?? '');
  const scheme = match?.[1]?.toLowerCase();
  const value = match?.[2] ?? '';
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = config.users.find((u) => same(u.username, username) && same(u.password, password));
    return user?.username;
  }
  if (scheme === 'bearer') return config.tokens.some((token) => same(token, value)) ? TOKEN_USER : undefined;
  return undefined;
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/** Index just past the CGI header block (blank line, "\r\n\r\n" or "\n\n"), or -1. */
function headerEnd(buffer: Buffer): number {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/** Applies the CGI headers to res; returns an error message when they are malformed. */
function applyCgiHeaders(res: ServerResponse, block: string): string | undefined {
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed CGI header line ${JSON.stringify(line)}`;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = Number.parseInt(value, 10);
      if (!(status >= 100 && status <= 599)) return `malformed CGI Status header ${JSON.stringify(value)}`;
    } else {
      const previous = res.getHeader(name);
      res.setHeader(name, previous === undefined ? value : [...[previous].flat().map(String), value]);
    }
  }
  res.statusCode = status;
  return undefined;
}

async function runBackend(
  config: GitHttpServerConfig,
  req: IncomingMessage,
  res: ServerResponse,
  user: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://git.invalid');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_PROJECT_ROOT: config.root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
  };
  for (const [variable, header] of Object.entries(PASSED_HEADERS)) {
    const value = req.headers[header];
    if (typeof value === 'string') env[variable] = value;
  }

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => {
      resolve({ code: null, error });
    });
    child.once('close', (code) => {
      resolve({ code });
    });
  });
  child.stdin.on('error', () => undefined); // EPIPE when git answers before reading the whole body
  req.pipe(child.stdin);
  res.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });

  let head: Buffer = Buffer.alloc(0);
  let headersSent = false;
  let problem: string | undefined;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      if (headersSent) {
        if (!res.write(chunk))
          await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
        continue;
      }
      head = Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (end < 0) continue;
      problem = applyCgiHeaders(res, head.subarray(0, end).toString('latin1'));
      if (problem !== undefined) {
        child.kill('SIGTERM');
        break;
      }
      headersSent = true;
      res.write(head.subarray(end));
    }
  } catch (error) {
    problem = `reading git http-backend output failed: ${(error as Error).message}`;
  }
  const { code, error } = await exited;
  if (headersSent) {
    res.end();
    return;
  }
  const detail = Buffer.concat(stderr).toString('utf8').trim();
  const reason =
    error !== undefined
      ? `cannot run git http-backend: ${error.message}`
      : (problem ?? `git http-backend (exit code ${code ?? 'none'}) wrote no CGI header block`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  reply(res, 500, detail === '' ? reason : `${reason}\n${detail}`);
}
