// classifyReadiness, driven by fixtures named by state: each fixtures/<state>.yaml holds the managed
// namespaces, the inventory's refs (`apiVersion Kind namespace/name`), the StatefulSets' claim templates,
// the kinds the agent could not list, the objects a metadata-only scan listed, and the report expected
// (its lists as `Kind namespace/name`).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseApiVersion, type ObjectRef } from '@ferry/shared';
import { parse } from 'yaml';
import { classifyReadiness } from './classify.ts';
import { readinessRef } from './format.ts';
import { REPORT_ITEM_LIMIT, type ClaimTemplates, type ListedObject, type ReadinessReport } from './types.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const SCANNED_AT = '2026-01-02T03:04:05.000Z';

interface Fixture {
  readonly namespaces: string[];
  readonly managed: string[];
  readonly claimTemplates?: ClaimTemplates[];
  readonly unknownKinds?: string[];
  readonly listed: ListedObject[];
  readonly expect: {
    readonly rebuildable: number;
    readonly total: number;
    readonly notInGit: string[];
    readonly data: string[];
    readonly unknownKinds: string[];
  };
}

/** `apps/v1 Deployment shop/web`, or `v1 Namespace /shop` for a cluster-scoped object. */
function managedRef(text: string): ObjectRef {
  const [apiVersion = '', kind = '', where = ''] = text.split(' ');
  const slash = where.indexOf('/');
  return {
    ...parseApiVersion(apiVersion),
    kind,
    namespace: where.slice(0, slash),
    name: where.slice(slash + 1),
  };
}

function classify(fixture: Fixture): ReadinessReport {
  return classifyReadiness({
    scannedAt: SCANNED_AT,
    namespaces: fixture.namespaces,
    managed: fixture.managed.map(managedRef),
    listed: fixture.listed,
    claimTemplates: fixture.claimTemplates ?? [],
    unknownKinds: fixture.unknownKinds ?? [],
  });
}

const files = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

describe('classifyReadiness on fixtures', () => {
  it('finds fixtures, every one named by its state', () => {
    assert.ok(files.length >= 5);
    for (const file of files) assert.match(file, /^[a-z]+(-[a-z0-9]+)+\.yaml$/);
  });

  for (const file of files) {
    it(file.replace(/\.yaml$/, ''), () => {
      const fixture = parse(readFileSync(`${FIXTURES}${file}`, 'utf8')) as Fixture;
      const report = classify(fixture);
      assert.deepEqual(
        {
          rebuildable: report.rebuildable,
          total: report.total,
          notInGit: report.notInGit.items.map(readinessRef),
          data: report.data.items.map(readinessRef),
          unknownKinds: report.unknownKinds,
        },
        fixture.expect,
      );
      assert.equal(report.notInGit.count, fixture.expect.notInGit.length);
      assert.equal(report.data.count, fixture.expect.data.length);
      assert.equal(report.total, report.rebuildable + report.notInGit.count + report.data.count);
      assert.equal(report.scannedAt, SCANNED_AT);
      assert.deepEqual(report.namespaces, [...new Set(fixture.namespaces)].sort());
    });
  }
});

describe('classifyReadiness bounds', () => {
  const strays = (count: number): ListedObject[] =>
    Array.from({ length: count }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        namespace: i % 2 === 0 ? 'b' : 'a',
        name: `stray-${String(i).padStart(3, '0')}`,
        uid: `u${i}`,
      },
    }));

  it('counts every object not in Git but lists the first 50, sorted by namespace, kind and name', () => {
    const report = classifyReadiness({
      scannedAt: SCANNED_AT,
      namespaces: ['b', 'a', 'a'],
      managed: [],
      listed: strays(120),
      claimTemplates: [],
      unknownKinds: [],
    });
    assert.equal(report.notInGit.count, 120);
    assert.equal(report.total, 120);
    assert.equal(report.notInGit.items.length, REPORT_ITEM_LIMIT);
    assert.deepEqual(report.namespaces, ['a', 'b']);
    const names = report.notInGit.items.map(readinessRef);
    assert.equal(names[0], 'ConfigMap a/stray-001');
    assert.equal(names.at(-1), 'ConfigMap a/stray-099');
    assert.deepEqual(names, [...names].sort());
  });

  it('keeps at most 50 unknown kinds, sorted, each once', () => {
    const kinds = Array.from(
      { length: 70 },
      (_, i) => `Kind${String(69 - i).padStart(2, '0')}.example.com/v1`,
    );
    const report = classifyReadiness({
      scannedAt: SCANNED_AT,
      namespaces: ['a'],
      managed: [],
      listed: [],
      claimTemplates: [],
      unknownKinds: [...kinds, ...kinds],
    });
    assert.equal(report.unknownKinds.length, REPORT_ITEM_LIMIT);
    assert.equal(report.unknownKinds[0], 'Kind00.example.com/v1');
    assert.equal(report.total, 0);
  });

  it('an object listed without a UID is still counted once per ref', () => {
    const object: ListedObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'a', name: 'x' },
    };
    const report = classifyReadiness({
      scannedAt: SCANNED_AT,
      namespaces: ['a'],
      managed: [],
      listed: [object, object],
      claimTemplates: [],
      unknownKinds: [],
    });
    assert.equal(report.notInGit.count, 1);
  });
});
