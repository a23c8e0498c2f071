import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, type LoggerOptions } from './log.ts';
import { levelEnabled, parseLogLevel } from './log-level.ts';

const NOW = new Date('2025-03-01T12:00:00.000Z');

function capture(options: Partial<LoggerOptions> = {}): {
  lines: string[];
  log: ReturnType<typeof createLogger>;
} {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', now: () => NOW, write: (line) => lines.push(line), ...options });
  return { lines, log };
}

const parsed = (lines: readonly string[]): unknown[] => lines.map((line) => JSON.parse(line) as unknown);

describe('createLogger', () => {
  it('writes one JSON object per line: time, level, msg, then base and fields', () => {
    const { lines, log } = capture({ base: { component: 'ferry-agent' } });
    log.info('sync done', { revision: 'abc', objects: 3 });
    log.warn('slow');
    assert.deepEqual(lines, [
      '{"time":"2025-03-01T12:00:00.000Z","level":"info","msg":"sync done","component":"ferry-agent","revision":"abc","objects":3}',
      '{"time":"2025-03-01T12:00:00.000Z","level":"warn","msg":"slow","component":"ferry-agent"}',
    ]);
  });

  it('a line never spans two lines, whatever the message holds', () => {
    const { lines, log } = capture();
    log.error('first\nsecond', { detail: 'a\r\nb' });
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', /\n/);
  });

  it('writes only the lines at or above its level', () => {
    const { lines, log } = capture({ level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    assert.deepEqual(
      parsed(lines).map((line) => (line as { level: string }).level),
      ['warn', 'error'],
    );
  });

  it('a child adds its fields to every line, over its parent base', () => {
    const { lines, log } = capture({ base: { component: 'agent', gitSync: 'a' } });
    const child = log.child({ gitSync: 'b', trigger: 'poll' });
    child.info('tick');
    child.child({ step: 'apply' }).debug('deep');
    assert.deepEqual(parsed(lines), [
      {
        time: NOW.toISOString(),
        level: 'info',
        msg: 'tick',
        component: 'agent',
        gitSync: 'b',
        trigger: 'poll',
      },
      {
        time: NOW.toISOString(),
        level: 'debug',
        msg: 'deep',
        component: 'agent',
        gitSync: 'b',
        trigger: 'poll',
        step: 'apply',
      },
    ]);
  });

  it('a child keeps its parent level', () => {
    const { lines, log } = capture({ level: 'error' });
    log.child({ x: 1 }).info('hidden');
    assert.deepEqual(lines, []);
  });

  it('a field named like time, level or msg cannot overwrite them', () => {
    const { lines, log } = capture();
    log.info('real', { msg: 'fake', level: 'error' });
    assert.deepEqual(parsed(lines), [
      { time: NOW.toISOString(), level: 'info', msg: 'real', 'field.msg': 'fake', 'field.level': 'error' },
    ]);
  });

  it('redacts secrets in base, child and line fields', () => {
    const { lines, log } = capture({ base: { gitToken: 'ghp_base' } });
    log
      .child({ auth: { password: 'hunter2' } })
      .info('connecting', { headers: { Authorization: 'Bearer x' } });
    const line = lines[0] ?? '';
    for (const secret of ['ghp_base', 'hunter2', 'Bearer x']) assert.ok(!line.includes(secret), secret);
    assert.deepEqual(JSON.parse(line), {
      time: NOW.toISOString(),
      level: 'info',
      msg: 'connecting',
      gitToken: '[redacted]',
      auth: { password: '[redacted]' },
      headers: { Authorization: '[redacted]' },
    });
  });

  it('writes an error field with its code and cause chain', () => {
    const { lines, log } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    log.error('fetch failed', {
      error: Object.assign(new Error('git fetch failed', { cause }), { code: 'unreachable' }),
    });
    assert.deepEqual((parsed(lines)[0] as { error: unknown }).error, {
      message: 'git fetch failed',
      code: 'unreachable',
      cause: { message: 'connect ECONNREFUSED 10.0.0.1:443', code: 'ECONNREFUSED' },
    });
  });
});

describe('log levels', () => {
  it('orders debug < info < warn < error', () => {
    assert.equal(levelEnabled('error', 'warn'), true);
    assert.equal(levelEnabled('info', 'warn'), false);
    assert.equal(levelEnabled('debug', 'debug'), true);
  });

  it('parses FERRY_LOG_LEVEL regardless of case and spaces; unset or empty is info', () => {
    assert.equal(parseLogLevel('debug'), 'debug');
    assert.equal(parseLogLevel(' WARN '), 'warn');
    assert.equal(parseLogLevel(undefined), 'info');
    assert.equal(parseLogLevel(''), 'info');
  });

  it('refuses anything else, naming the variable and the choices', () => {
    assert.throws(() => parseLogLevel('verbose'), {
      message: 'FERRY_LOG_LEVEL="verbose" is not a log level; use one of debug, info, warn, error',
    });
    assert.throws(
      () => parseLogLevel('toString', '--log-level'),
      /^Error: --log-level="toString" is not a log level/,
    );
  });
});
