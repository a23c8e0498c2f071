import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads Go-style durations and refuses anything else', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('10'), undefined);
    assert.equal(parseDuration('5 m'), undefined);
    assert.equal(parseDuration(''), undefined);
  });
});
