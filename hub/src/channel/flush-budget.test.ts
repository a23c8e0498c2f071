import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFlushBudget, RECORD_WEIGHT, weightOf } from './flush-budget.ts';

describe('a group commit’s budget', () => {
  it('weighs a record RECORD_WEIGHT, and 1 more per resource it carries', () => {
    assert.equal(RECORD_WEIGHT, 30);
    assert.equal(weightOf(undefined), 30, 'a heartbeat');
    assert.equal(
      weightOf({
        epoch: 'e',
        seq: 1,
        type: 'event',
        event: { at: new Date(0), type: 'Normal', reason: 'r', message: 'm' },
      }),
      30,
    );
    const resources = Array.from({ length: 200 }, () => ({
      ref: { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'x' },
      health: { status: 'Current' as const, message: '' },
      lastAction: undefined,
      drifted: false,
    }));
    assert.equal(
      weightOf({
        epoch: 'e',
        seq: 2,
        type: 'snapshot-chunk',
        chunk: { snapshotId: 's', digest: 'd', index: 0, last: true, resources },
      }),
      230,
    );
    const [first] = resources;
    assert.ok(first !== undefined);
    assert.equal(
      weightOf({
        epoch: 'e',
        seq: 3,
        type: 'resource-delta',
        delta: { upserts: [first, first], deletes: [first.ref] },
      }),
      33,
    );
  });

  it('shrinks to what fits the target time when a commit runs over it, never below a few snapshots', () => {
    const budget = createFlushBudget({ maxWeight: 5000, targetMs: 10 });
    assert.equal(budget.weight, 5000);
    budget.observe(5000, 40);
    assert.equal(budget.weight, 1250);
    budget.observe(1250, 1000);
    assert.equal(budget.weight, 500);
    budget.observe(300, 50);
    assert.equal(budget.weight, 500, 'a small commit that ran long says little about the budget');
  });

  it('grows back while full commits run well under the target, up to the most', () => {
    const budget = createFlushBudget({ maxWeight: 1000, targetMs: 10 });
    budget.observe(1000, 20);
    assert.equal(budget.weight, 500);
    budget.observe(100, 1);
    assert.equal(budget.weight, 500, 'a commit far from full does not grow it');
    budget.observe(500, 2);
    assert.equal(budget.weight, 625);
    for (let n = 0; n < 10; n++) budget.observe(budget.weight, 1);
    assert.equal(budget.weight, 1000);
  });
});
