import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError, EXIT } from './exit-codes.ts';
import { parseFilters, parseLabels, parseSelector } from './options.ts';

const usage = 'usage: test';
const isUsage = (error: unknown): boolean =>
  error instanceof CliError && error.exitCode === EXIT.usage && error.usage === usage;

describe('parseLabels', () => {
  it('turns repeated K=V into a map, an empty value allowed', () => {
    assert.deepEqual(parseLabels(['env=prod', 'example.com/team=a', 'canary='], usage), {
      env: 'prod',
      'example.com/team': 'a',
      canary: '',
    });
    assert.deepEqual(parseLabels([], usage), {});
  });

  it('refuses a label without =, with two =, or given twice', () => {
    assert.throws(() => parseLabels(['env'], usage), isUsage);
    assert.throws(() => parseLabels(['a=b=c'], usage), isUsage);
    assert.throws(() => parseLabels(['a=b', 'a=c'], usage), /--label a is given twice/);
  });
});

describe('parseSelector', () => {
  it('passes K=V,K=V through and refuses anything else', () => {
    assert.equal(parseSelector('env=prod,team=a', usage), 'env=prod,team=a');
    assert.equal(parseSelector(undefined, usage), undefined);
    for (const bad of ['', 'env', 'env=prod,', 'env=prod team=a', 'env!=prod', 'env=-x'])
      assert.throws(() => parseSelector(bad, usage), isUsage, bad);
  });
});

describe('parseFilters', () => {
  it('checks each filter against its vocabulary', () => {
    assert.deepEqual(
      parseFilters(
        {
          selector: 'env=prod',
          health: 'Failed',
          sync: 'prune-blocked',
          state: 'recovering',
          stale: 'false',
        },
        usage,
      ),
      { selector: 'env=prod', health: 'Failed', sync: 'prune-blocked', state: 'recovering', stale: 'false' },
    );
    assert.deepEqual(parseFilters({}, usage), {
      selector: undefined,
      health: undefined,
      sync: undefined,
      state: undefined,
      stale: undefined,
    });
    assert.throws(
      () => parseFilters({ sync: 'ok' }, usage),
      /--sync ok: give one of applied, failed, prune-blocked/,
    );
    assert.throws(() => parseFilters({ state: 'gone' }, usage), isUsage);
  });
});
