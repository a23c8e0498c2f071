import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChangeDetector } from './change-detector.ts';
import { clusterJsonOf } from './test-stream.ts';

describe('the change detector', () => {
  it('reports a new cluster, and a re-read that shows the same nothing', () => {
    const detector = createChangeDetector();
    const a = clusterJsonOf('a');
    assert.deepEqual(detector.observe('a', a), { kind: 'changed', cluster: a });
    assert.equal(detector.observe('a', clusterJsonOf('a')), undefined);
  });

  it('ignores a heartbeat that only moved lastHeardAt', () => {
    const detector = createChangeDetector();
    detector.seed(clusterJsonOf('a'));
    assert.equal(
      detector.observe('a', clusterJsonOf('a', { lastHeardAt: '2025-01-01T00:00:30.000Z' })),
      undefined,
    );
  });

  it('reports health, sync, connected, stale, state and refusal changes', () => {
    const detector = createChangeDetector();
    detector.seed(clusterJsonOf('a'));
    const changes = [
      { health: { status: 'Failed' as const, message: '1 of 3 failed' } },
      { connected: false },
      { stale: true },
      { state: 'recovering' as const },
      { refusal: { message: 'another cluster', at: '2025-01-01T00:00:00.000Z' } },
    ];
    for (const change of changes) {
      const next = clusterJsonOf('a', change);
      assert.equal(detector.observe('a', next)?.kind, 'changed', JSON.stringify(change));
      detector.seed(clusterJsonOf('a'));
    }
  });

  it('reports a deletion once, with the labels it had, and never one of a cluster it never knew', () => {
    const detector = createChangeDetector();
    detector.seed(clusterJsonOf('a', { labels: { env: 'prod' } }));
    assert.deepEqual(detector.observe('a', undefined), {
      kind: 'deleted',
      name: 'a',
      labels: { env: 'prod' },
    });
    assert.equal(detector.observe('a', undefined), undefined);
    assert.equal(detector.observe('b', undefined), undefined);
    assert.equal(detector.size, 0);
  });
});
