// detectDrift on fixtures captured from a Kubernetes 1.20 API server: each fixtures/<scenario>.yaml holds
// the object as Ferry's apply answered it (baseline) and as it was after the scenario (live).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseApiVersion, type ObjectRef } from '@ferry/shared';
import { parse } from 'yaml';
import type { IgnoreRule } from '../gitsync/types.ts';
import type { KubeObject } from '../kube/types.ts';
import { detectDrift } from './detect-drift.ts';
import type { DriftedField, DriftReport } from './types.ts';

interface Fixture {
  readonly baseline: KubeObject;
  readonly live: KubeObject | null;
}

function load(scenario: string): Fixture {
  return parse(readFileSync(new URL(`./fixtures/${scenario}.yaml`, import.meta.url), 'utf8')) as Fixture;
}

function refOf(object: KubeObject): ObjectRef {
  const { group, version } = parseApiVersion(object.apiVersion);
  const { namespace = '', name } = object.metadata;
  return { group, version, kind: object.kind, namespace, name };
}

const HPA_RULE: IgnoreRule = { pointers: ['/spec/replicas'], kind: 'Deployment' };
const CONTAINERS = '/spec/template/spec/containers';

interface Case {
  readonly name: string;
  readonly scenario: string;
  readonly ignore?: readonly IgnoreRule[];
  /** Undefined: no drift. */
  readonly expect?: Pick<DriftReport, 'kind' | 'action'> & { readonly fields: readonly DriftedField[] };
}

const cases: readonly Case[] = [
  {
    name: 'kubectl edit of spec.replicas is drift, changed by kubectl-edit',
    scenario: 'kubectl-edit-replicas',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] }],
    },
  },
  {
    name: 'a label Ferry set and someone removed is drift, removed',
    scenario: 'label-removed',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: '/metadata/labels/team', change: 'removed', managers: [] }],
    },
  },
  {
    name: 'the controller writing status and its own annotation is not drift',
    scenario: 'status-only-change',
  },
  {
    name: 'kubectl set image is drift of the container found by its name',
    scenario: 'container-image-changed',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: `${CONTAINERS}[name=app]/image`, change: 'changed', managers: ['kubectl-set'] }],
    },
  },
  {
    name: 'a deleted object is drift of kind deleted, with no fields',
    scenario: 'deleted',
    expect: { kind: 'deleted', action: 'heal', fields: [] },
  },
  {
    name: 'another manager adding a label Ferry never set is not drift',
    scenario: 'other-manager-adds-field',
  },
  {
    name: 'kubectl scale, which 1.20 records under no manager, is drift found by value',
    scenario: 'kubectl-scale-replicas',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: '/spec/replicas', change: 'unrecorded', managers: [] }],
    },
  },
  {
    name: "an HPA's replicas are not drift when a rule for Deployments ignores /spec/replicas",
    scenario: 'hpa-replicas-ignored',
    ignore: [HPA_RULE],
  },
  {
    name: "an HPA's replicas are drift when no rule ignores them",
    scenario: 'hpa-replicas-ignored',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: '/spec/replicas', change: 'unrecorded', managers: [] }],
    },
  },
  {
    name: 'a rule for another kind does not ignore the replicas of a Deployment',
    scenario: 'kubectl-edit-replicas',
    ignore: [{ ...HPA_RULE, kind: 'StatefulSet' }],
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] }],
    },
  },
  {
    name: 'a rule naming the container by its key ignores its image',
    scenario: 'container-image-changed',
    ignore: [{ pointers: [`${CONTAINERS}[name=app]/image`], namespace: 'd-container-image-changed' }],
  },
  {
    name: 'a rule on the whole pod template ignores what lies under it',
    scenario: 'container-image-changed',
    ignore: [{ pointers: ['/spec/template'] }],
  },
  {
    name: 'an object annotated ferry.dev/drift: ignore is reported as ignored',
    scenario: 'opt-out-annotation',
    expect: {
      kind: 'changed',
      action: 'ignored',
      fields: [{ path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] }],
    },
  },
  {
    name: 'Ferry applying again after an edit took the field back: not drift',
    scenario: 'ferry-reapplied',
  },
  {
    name: "Ferry's own apply of a revision without a label is not drift",
    scenario: 'ferry-removed-label',
  },
  {
    name: 'another applier forcing spec.replicas is drift, changed by that applier',
    scenario: 'other-applier-forced',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: '/spec/replicas', change: 'changed', managers: ['helm'] }],
    },
  },
  {
    name: 'a removed container is one removed field, not one per field inside it',
    scenario: 'sidecar-removed',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [{ path: `${CONTAINERS}[name=sidecar]`, change: 'removed', managers: [] }],
    },
  },
  {
    name: 'an annotation whose key has a slash is named with JSON pointer escaping',
    scenario: 'annotation-overwritten',
    expect: {
      kind: 'changed',
      action: 'heal',
      fields: [
        {
          path: '/metadata/annotations/ferry.dev~1digest',
          change: 'changed',
          managers: ['kubectl-annotate'],
        },
      ],
    },
  },
];

describe('detectDrift on objects captured from Kubernetes 1.20', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { baseline, live } = load(c.scenario);
      const ref = refOf(baseline);
      const report = detectDrift({ baseline, live: live ?? undefined, ref, ignore: c.ignore ?? [] });
      assert.deepEqual(report, c.expect === undefined ? undefined : { ref, ...c.expect });
    });
  }
});

describe('detectDrift edge cases', () => {
  const { baseline, live } = load('kubectl-edit-replicas');
  const ref = refOf(baseline);
  assert.ok(live);

  it('an object deleted and made again under another uid is deleted', () => {
    const remade = { ...live, metadata: { ...live.metadata, uid: 'another' } };
    assert.equal(detectDrift({ baseline, live: remade, ref, ignore: [] })?.kind, 'deleted');
  });
  it('an object being deleted (deletionTimestamp set) is deleted', () => {
    const ending = { ...live, metadata: { ...live.metadata, deletionTimestamp: '2026-11-26T18:00:00Z' } };
    assert.equal(detectDrift({ baseline, live: ending, ref, ignore: [] })?.kind, 'deleted');
  });
  it('the live object compared with itself is not drift', () => {
    assert.equal(detectDrift({ baseline, live: baseline, ref, ignore: [] }), undefined);
  });
  it('a deleted object that had opted out is reported as ignored', () => {
    const { baseline: optedOut } = load('opt-out-annotation');
    assert.equal(detectDrift({ baseline: optedOut, live: undefined, ref, ignore: [] })?.action, 'ignored');
  });
  it('the manager option picks whose fields count', () => {
    const report = detectDrift({ baseline, live, ref, ignore: [], manager: 'kubectl-edit' });
    assert.equal(report, undefined, 'kubectl-edit owned nothing in the baseline');
  });
  it('a baseline with metadata only still finds a field taken, but cannot compare values', () => {
    const metadataOnly: KubeObject = {
      apiVersion: baseline.apiVersion,
      kind: baseline.kind,
      metadata: baseline.metadata,
    };
    assert.deepEqual(detectDrift({ baseline: metadataOnly, live, ref, ignore: [] })?.fields, [
      { path: '/spec/replicas', change: 'changed', managers: ['kubectl-edit'] },
    ]);
    const scaled = load('kubectl-scale-replicas');
    const scaledBaseline: KubeObject = { ...scaled.baseline, spec: undefined };
    assert.equal(
      detectDrift({ baseline: scaledBaseline, live: scaled.live ?? undefined, ref, ignore: [] }),
      undefined,
    );
  });
  it('managedFields wiped with every value intact is not drift', () => {
    const wiped = { ...baseline, metadata: { ...baseline.metadata, managedFields: [] } };
    assert.equal(detectDrift({ baseline, live: wiped, ref, ignore: [] }), undefined);
  });
});
