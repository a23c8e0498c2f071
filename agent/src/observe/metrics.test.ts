import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHelp, escapeLabelValue, formatNumber } from './exposition.ts';
import { Metrics } from './metrics.ts';

describe('exposition format', () => {
  it('escapes backslash, double quote and newline in label values', () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  });

  it('escapes backslash and newline in HELP, but not quotes', () => {
    assert.equal(escapeHelp('say "hi"\\\nbye'), 'say "hi"\\\\\\nbye');
  });

  it('spells infinities and NaN as Prometheus does', () => {
    assert.deepEqual([Infinity, -Infinity, NaN, 0.005, 12, -3].map(formatNumber), [
      '+Inf',
      '-Inf',
      'NaN',
      '0.005',
      '12',
      '-3',
    ]);
  });

  it('renders a counter and a gauge without labels at zero from the start', () => {
    const metrics = new Metrics();
    metrics.counter('jobs_total', 'Jobs run.');
    const gauge = metrics.gauge('queue_length', 'Jobs waiting.');
    gauge.set(3);
    assert.equal(
      metrics.render(),
      [
        '# HELP jobs_total Jobs run.',
        '# TYPE jobs_total counter',
        'jobs_total 0',
        '# HELP queue_length Jobs waiting.',
        '# TYPE queue_length gauge',
        'queue_length 3',
        '',
      ].join('\n'),
    );
  });

  it('renders labelled series sorted by label values, in declared label order, with values escaped', () => {
    const metrics = new Metrics();
    const requests = metrics.counter('requests_total', 'Requests\nby path and code.', ['path', 'code']);
    requests.inc({ code: '200', path: '/b' });
    requests.inc({ path: '/a"quoted"\\', code: '500' }, 2);
    requests.inc({ path: '/b', code: '200' }, 0.5);
    assert.equal(
      metrics.render(),
      [
        '# HELP requests_total Requests\\nby path and code.',
        '# TYPE requests_total counter',
        'requests_total{path="/a\\"quoted\\"\\\\",code="500"} 2',
        'requests_total{path="/b",code="200"} 1.5',
        '',
      ].join('\n'),
    );
  });

  it('renders histogram buckets cumulatively, ending with +Inf, then _sum and _count', () => {
    const metrics = new Metrics();
    const latency = metrics.histogram('latency_seconds', 'Latency.', ['route'], [0.1, 1, 5]);
    for (const seconds of [0.05, 0.1, 0.7, 3, 9]) latency.observe({ route: 'x' }, seconds);
    assert.equal(
      metrics.render(),
      [
        '# HELP latency_seconds Latency.',
        '# TYPE latency_seconds histogram',
        'latency_seconds_bucket{route="x",le="0.1"} 2',
        'latency_seconds_bucket{route="x",le="1"} 3',
        'latency_seconds_bucket{route="x",le="5"} 4',
        'latency_seconds_bucket{route="x",le="+Inf"} 5',
        'latency_seconds_sum{route="x"} 12.85',
        'latency_seconds_count{route="x"} 5',
        '',
      ].join('\n'),
    );
  });

  it('renders a histogram without labels at zero, with le as its only label', () => {
    const metrics = new Metrics();
    metrics.histogram('fetch_seconds', 'Fetches.', [], [1]);
    assert.equal(
      metrics.render(),
      [
        '# HELP fetch_seconds Fetches.',
        '# TYPE fetch_seconds histogram',
        'fetch_seconds_bucket{le="1"} 0',
        'fetch_seconds_bucket{le="+Inf"} 0',
        'fetch_seconds_sum 0',
        'fetch_seconds_count 0',
        '',
      ].join('\n'),
    );
  });

  it('an empty registry renders nothing', () => {
    assert.equal(new Metrics().render(), '');
  });
});

describe('metrics', () => {
  it('init makes a labelled series exist at zero', () => {
    const metrics = new Metrics();
    metrics.counter('events_total', 'Events.', ['kind']).init({ kind: 'a' });
    assert.match(metrics.render(), /^events_total\{kind="a"\} 0$/m);
  });

  it('a gauge is set, raised and lowered', () => {
    const metrics = new Metrics();
    const running = metrics.gauge('running', 'Running.', ['pool']);
    running.set({ pool: 'p' }, 5);
    running.inc({ pool: 'p' });
    running.inc({ pool: 'p' }, -4);
    assert.match(metrics.render(), /^running\{pool="p"\} 2$/m);
  });

  it('a label that is not declared throws, naming the metric', () => {
    const counter = new Metrics().counter<{ action: string }>('objects_total', 'Objects.', ['action']);
    const labels = { action: 'created', kind: 'Pod' };
    assert.throws(
      () => {
        counter.inc(labels);
      },
      { message: 'metric objects_total: label "kind" is not declared (declared: action)' },
    );
  });

  it('a declared label left out throws, naming the metric', () => {
    // Labels inferred from the names are only checked when used.
    const counter = new Metrics().counter('objects_total', 'Objects.', ['action', 'kind']);
    assert.throws(
      () => {
        counter.inc({ action: 'created' });
      },
      { message: 'metric objects_total: label "kind" needs a string value' },
    );
  });

  it('a metric without labels refuses labels', () => {
    const gauge = new Metrics().gauge('up', 'Up.');
    const labels = { zone: 'a' };
    assert.throws(() => {
      gauge.set(labels, 1);
    }, /metric up: label "zone" is not declared \(declared: none\)/);
  });

  it('a counter cannot go down, and NaN is refused', () => {
    const counter = new Metrics().counter('c_total', 'C.');
    assert.throws(() => {
      counter.inc(-1);
    }, /metric c_total: a counter cannot go down/);
    assert.throws(() => {
      counter.inc(NaN);
    }, /metric c_total: the value is NaN/);
  });

  it('refuses invalid names, reserved labels, bad buckets and a second metric of the same name', () => {
    const metrics = new Metrics();
    assert.throws(
      () => metrics.counter('bad-name', 'x'),
      /metric bad-name: "bad-name" is not a valid metric name/,
    );
    assert.throws(() => metrics.counter('ok', 'x', ['__reserved']), /reserved/);
    assert.throws(() => metrics.counter('ok', 'x', ['a', 'a']), /label "a" is declared twice/);
    assert.throws(() => metrics.histogram('h', 'x', ['le']), /metric h: "le" is a reserved label/);
    assert.throws(() => metrics.histogram('h', 'x', [], [1, 1]), /strictly increasing/);
    assert.throws(() => metrics.histogram('h', 'x', [], []), /strictly increasing/);
    metrics.counter('once_total', 'x');
    assert.throws(() => metrics.counter('once_total', 'x'), /metric once_total is already registered/);
  });

  it('a +Inf bucket given explicitly is not written twice', () => {
    const metrics = new Metrics();
    metrics.histogram('h', 'x', [], [1, Infinity]);
    assert.equal(metrics.render().match(/le="\+Inf"/g)?.length, 1);
  });
});
