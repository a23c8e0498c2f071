import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import type { ObjectRef } from '@ferry/shared';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/types.ts';
import { DESCRIBED_FIELDS, describeDrift } from './describe-drift.ts';
import { detectDrift } from './detect-drift.ts';
import type { DriftedField, DriftReport } from './types.ts';

const WEB: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

function report(fields: DriftedField[], extra: Partial<DriftReport> = {}): DriftReport {
  return { ref: WEB, kind: 'changed', fields, action: 'heal', ...extra };
}

describe('describeDrift', () => {
  const cases: { name: string; report: DriftReport; line: string }[] = [
    {
      name: 'names each field with who changed it, or that it was removed',
      report: report([
        { path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] },
        { path: '/metadata/labels/team', change: 'removed', managers: [] },
      ]),
      line: 'Deployment.apps/shop/web: /spec/replicas changed by kubectl-edit; /metadata/labels/team removed',
    },
    {
      name: 'says when no manager was recorded',
      report: report([{ path: '/spec/replicas', change: 'unrecorded', managers: [] }]),
      line: 'Deployment.apps/shop/web: /spec/replicas changed (no manager recorded, e.g. through /scale)',
    },
    {
      name: 'says a deleted object was deleted',
      report: report([], { kind: 'deleted' }),
      line: 'Deployment.apps/shop/web: deleted',
    },
    {
      name: 'says an opted-out object is not healed',
      report: report([{ path: '/spec/replicas', change: 'changed', managers: ['a', 'b'] }], {
        action: 'ignored',
      }),
      line: 'Deployment.apps/shop/web: /spec/replicas changed by a, b (not healed: ferry.dev/drift: ignore)',
    },
    {
      name: 'counts the managers past three',
      report: report([{ path: '/data/x', change: 'changed', managers: ['a', 'b', 'c', 'd', 'e'] }]),
      line: 'Deployment.apps/shop/web: /data/x changed by a, b, c and 2 more',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(describeDrift(c.report), c.line);
    });
  }

  it('stays short however many and however long the fields are', () => {
    const fields = Array.from({ length: 200 }, (_, i) => ({
      path: `/data/${'k'.repeat(500)}${i}`,
      change: 'removed' as const,
      managers: [],
    }));
    const line = describeDrift(report(fields));
    assert.ok(line.length < 1000, `${line.length} characters`);
    assert.match(line, new RegExp(`and ${200 - DESCRIBED_FIELDS} more fields$`));
  });
  it('never holds a value: an overwritten annotation is named, its new value is not', () => {
    const { baseline, live } = parse(
      readFileSync(new URL('./fixtures/annotation-overwritten.yaml', import.meta.url), 'utf8'),
    ) as { baseline: KubeObject; live: KubeObject };
    const drift = detectDrift({
      baseline,
      live,
      ref: { ...WEB, namespace: 'd-annotation-overwritten' },
      ignore: [],
    });
    assert.ok(drift);
    const line = describeDrift(drift);
    assert.match(line, /ferry\.dev~1digest changed by kubectl-annotate/);
    assert.doesNotMatch(line, /sha256/);
  });
});
