import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge, formatSince } from './age.ts';
import {
  formatClusterDetail,
  formatListTable,
  formatStatusTable,
  formatSummaryLine,
  shortRevision,
  stateCell,
  statusRow,
} from './format-clusters.ts';
import { formatTable } from './table.ts';
import { allClusterFixtures, clusterFixture, NOW } from './test-fixtures.ts';

describe('the fleet table (ferry status)', () => {
  it('prints one aligned line per cluster under the headers', () => {
    assert.equal(
      formatStatusTable(allClusterFixtures(), NOW, 'table'),
      [
        'NAME        STATE                HEALTH       SYNC      REVISION   LAST-HEARD',
        'edge-7      pending              -            -         -          never',
        'prod-eu-1   enrolled             Current      applied   3f9a1c2    12s ago',
        'prod-us-2   enrolled,stale       Current      applied   aa00bb1    15m ago',
        'staging     enrolled             Failed       failed    ccccccc    5s ago',
        'prod-eu-2   recovering,refused   InProgress   -         -          1s ago',
        '',
      ].join('\n'),
    );
  });

  it('shows a stale cluster as stale with when it was last heard and its last report, never as failed', () => {
    const row = statusRow(clusterFixture('stale'), NOW, 'table');
    assert.deepEqual(row, ['prod-us-2', 'enrolled,stale', 'Current', 'applied', 'aa00bb1', '15m ago']);
    assert.equal(row.includes('Failed'), false);
  });

  it('shows a pending cluster as never heard, with no health or sync', () => {
    assert.deepEqual(statusRow(clusterFixture('pending'), NOW, 'table'), [
      'edge-7',
      'pending',
      '-',
      '-',
      '-',
      'never',
    ]);
  });

  it('shows a failed sync with the revision still applied', () => {
    assert.deepEqual(statusRow(clusterFixture('failed-sync'), NOW, 'table').slice(2, 5), [
      'Failed',
      'failed',
      'ccccccc',
    ]);
  });

  it('adds repo, path, agent and Kubernetes versions and lag when wide', () => {
    assert.deepEqual(statusRow(clusterFixture('enrolled-current'), NOW, 'wide').slice(6), [
      'https://git.example.com/fleet.git',
      'clusters/prod-eu-1',
      '0.1.0',
      'v1.20.15',
      '42s',
    ]);
    assert.deepEqual(statusRow(clusterFixture('pending'), NOW, 'wide').slice(6), [
      'https://git.example.com/fleet.git',
      '(root)',
      '-',
      '-',
      '-',
    ]);
  });

  it('says so when there are no clusters', () => {
    assert.equal(formatStatusTable([], NOW, 'table'), 'no clusters\n');
  });
});

describe('the registry table (ferry cluster list)', () => {
  it('prints labels, source and age', () => {
    const lines = formatListTable(
      [clusterFixture('enrolled-current'), clusterFixture('pending')],
      NOW,
      'table',
    ).split('\n');
    assert.equal(
      lines[0],
      'NAME        STATE      LABELS               REPO                                REF    PATH                 AGE',
    );
    assert.equal(
      lines[1],
      'prod-eu-1   enrolled   env=prod,region=eu   https://git.example.com/fleet.git   main   clusters/prod-eu-1   2d',
    );
    assert.equal(
      lines[2],
      'edge-7      pending    -                    https://git.example.com/fleet.git   main   (root)               60m',
    );
  });

  it('adds target namespace, agent, cluster UID and enrollment when wide', () => {
    const [header, row] = formatListTable([clusterFixture('recovering')], NOW, 'wide').split('\n');
    assert.match(header ?? '', /TARGET-NAMESPACE {3}AGENT {3}CLUSTER-UID {3}/);
    assert.match(row ?? '', /apps +0\.1\.0 {3}99999999-8888-7777-6666-555555555555 {3}30m ago$/);
  });
});

describe('the cluster detail (ferry cluster get)', () => {
  it('names every field of an enrolled cluster', () => {
    const text = formatClusterDetail(clusterFixture('enrolled-current'), NOW);
    for (const line of [
      /^Name: +prod-eu-1$/m,
      /^Labels: +env=prod,region=eu$/m,
      /^Path: +clusters\/prod-eu-1$/m,
      /^Connected: +yes$/m,
      /^Last heard: +2025-01-01T11:59:48.000Z \(12s ago\)$/m,
      /^Health: +Current: all 42 objects current$/m,
      /^Last sync: +applied at 3f9a1c2, started 9m30s ago \(id s-000117\)$/m,
      /^Commit to applied: +42s$/m,
      /^Kubernetes: +v1\.20\.15$/m,
    ])
      assert.match(text, line);
    assert.doesNotMatch(text, /^Stale:/m);
  });

  it('says a stale cluster is stale and that its report may be out of date', () => {
    assert.match(formatClusterDetail(clusterFixture('stale'), NOW), /^Stale: +yes: .*may be out of date$/m);
  });

  it('shows recovery progress and a refused hello', () => {
    const text = formatClusterDetail(clusterFixture('recovering'), NOW);
    assert.match(
      text,
      /^Recovery: +started 35m ago, in progress: objects back 12 of 40; health InProgress; revision none applied yet \(target main@sha1:0123456789abcdef0123456789abcdef01234567 or newer\)$/m,
    );
    assert.match(text, /^Refused: +hello from cluster UID 7777 refused.* \(40m ago\)$/m);
    assert.match(text, /^Last sync: +-$/m);
  });

  it('shows a pending cluster as never heard', () => {
    const text = formatClusterDetail(clusterFixture('pending'), NOW);
    assert.match(text, /^Last heard: +-$/m);
    assert.match(text, /^Target namespace: +\(the agent's default\)$/m);
  });
});

describe('the summary line', () => {
  it('counts by state, health and sync, leaving out zeros, worst health last', () => {
    assert.equal(
      formatSummaryLine({
        total: 5,
        byState: { pending: 1, enrolled: 3, recovering: 1 },
        byHealth: { none: 1, Failed: 1, Current: 2, InProgress: 1, Unknown: 0 },
        bySync: { failed: 1, applied: 2, none: 2 },
        stale: 1,
        connected: 3,
      }),
      '5 clusters (3 enrolled, 1 recovering, 1 pending); health: 2 Current, 1 InProgress, 1 Failed, 1 none; ' +
        'sync: 2 applied, 1 failed, 2 none; 1 stale, 3 connected\n',
    );
  });

  it('reads well for an empty fleet', () => {
    assert.equal(
      formatSummaryLine({ total: 0, byState: {}, byHealth: {}, bySync: {}, stale: 0, connected: 0 }),
      '0 clusters (none); health: none; sync: none; 0 stale, 0 connected\n',
    );
  });
});

describe('cells', () => {
  it('shortens commit SHAs only', () => {
    assert.equal(shortRevision('3f9a1c2b7d4e5f60718293a4b5c6d7e8f9012345'), '3f9a1c2');
    assert.equal(shortRevision('v1.2.0'), 'v1.2.0');
    assert.equal(shortRevision(null), '-');
  });

  it('marks stale and refused on the state', () => {
    assert.equal(stateCell(clusterFixture('enrolled-current')), 'enrolled');
    assert.equal(stateCell(clusterFixture('stale')), 'enrolled,stale');
    assert.equal(stateCell(clusterFixture('recovering')), 'recovering,refused');
  });

  it('prints ages as kubectl does', () => {
    const cases: [number, string][] = [
      [-5_000, '0s'],
      [59_000, '59s'],
      [119_000, '119s'],
      [330_000, '5m30s'],
      [600_000, '10m'],
      [2 * 3600_000 + 59 * 60_000, '179m'],
      [5 * 3600_000 + 30 * 60_000, '5h30m'],
      [47 * 3600_000, '47h'],
      [3 * 86400_000 + 4 * 3600_000, '3d4h'],
      [400 * 86400_000, '400d'],
      [1100 * 86400_000, '3y'],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text, `${ms} ms`);
    assert.equal(formatSince(null, NOW), 'never');
    assert.equal(formatSince('not a time', NOW), 'not a time');
  });

  it('pads table columns but not the last, and keeps a cell on one line', () => {
    assert.equal(formatTable(['A', 'BB'], [['xxx', 'y\nz']]), 'A     BB\nxxx   y z\n');
  });
});
