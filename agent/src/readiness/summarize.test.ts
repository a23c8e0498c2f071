import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readinessMessage, summarizeReadiness } from './summarize.ts';
import type { ReadinessReport } from './types.ts';

const ref = (kind: string, name: string, group = '') => ({
  group,
  version: 'v1',
  kind,
  namespace: 'shop',
  name,
});

const report = (over: Partial<ReadinessReport> = {}): ReadinessReport => ({
  scannedAt: '2026-01-02T03:04:05.000Z',
  namespaces: ['shop', 'web'],
  rebuildable: 42,
  total: 45,
  notInGit: { count: 2, items: [ref('ConfigMap', 'manual'), ref('Ingress', 'debug', 'networking.k8s.io')] },
  data: { count: 1, items: [ref('PersistentVolumeClaim', 'data-db-0')] },
  unknownKinds: [],
  ...over,
});

describe('summarizeReadiness', () => {
  it('says what Git could rebuild, and what not, in one line', () => {
    assert.equal(
      readinessMessage(report()),
      'rebuildable from Git: 42 of 45 objects (2 not in Git, 1 data volume)',
    );
    assert.equal(
      readinessMessage(
        report({
          rebuildable: 3,
          total: 3,
          notInGit: { count: 0, items: [] },
          data: { count: 0, items: [] },
          unknownKinds: ['Widget.example.com/v1', 'Secret/v1'],
        }),
      ),
      'rebuildable from Git: 3 of 3 objects (2 kinds not listed)',
    );
    assert.equal(
      readinessMessage(
        report({
          rebuildable: 1,
          total: 1,
          notInGit: { count: 0, items: [] },
          data: { count: 0, items: [] },
        }),
      ),
      'rebuildable from Git: 1 of 1 object',
    );
  });

  it('keeps counts whole and at most 10 refs of each list, as `Kind namespace/name`', () => {
    const many = Array.from({ length: 30 }, (_, i) => ref('Secret', `s${i}`));
    const summary = summarizeReadiness(report({ notInGit: { count: 300, items: many } }));
    assert.equal(summary.notInGit.count, 300);
    assert.equal(summary.notInGit.items.length, 10);
    assert.equal(summary.notInGit.items[0], 'Secret shop/s0');
    assert.deepEqual(summary.data.items, ['PersistentVolumeClaim shop/data-db-0']);
    assert.equal(summary.namespaces, 2);
    assert.equal(summary.scannedAt, '2026-01-02T03:04:05.000Z');
    const two = summarizeReadiness(report());
    assert.deepEqual(two.notInGit.items, ['ConfigMap shop/manual', 'Ingress.networking.k8s.io shop/debug']);
  });
});
