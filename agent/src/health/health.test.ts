// Health, driven by fixtures named by state: each fixtures/<kind>-<state>.yaml is one live object as the
// API server returns it, carrying its expected health in two annotations (expect-status and
// expect-message). A fixture without them fails; so does a kind with a rule but no fixture.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HEALTH_STATUSES, isHealthStatus, parseApiVersion, type Health } from '@ferry/shared';
import { parse } from 'yaml';
import type { KubeObject } from '../kube/types.ts';
import { assessHealth, HEALTH_RULES, ruleKey } from './index.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const EXPECT_STATUS = 'test.ferry.dev/expect-status';
const EXPECT_MESSAGE = 'test.ferry.dev/expect-message';

interface Fixture {
  readonly file: string;
  readonly object: KubeObject;
  readonly expected: Health;
}

function loadFixture(file: string): Fixture {
  const object = parse(readFileSync(`${FIXTURES}${file}`, 'utf8')) as KubeObject;
  const status = object.metadata.annotations?.[EXPECT_STATUS];
  const message = object.metadata.annotations?.[EXPECT_MESSAGE];
  if (!isHealthStatus(status) || message === undefined) {
    throw new Error(
      `${file}: needs annotations ${EXPECT_STATUS} (one of ${HEALTH_STATUSES.join(', ')}) and ${EXPECT_MESSAGE}`,
    );
  }
  return { file, object, expected: { status, message } };
}

const files = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

describe('assessHealth on fixtures', () => {
  it('finds fixtures, every one named <kind>-<state>.yaml', () => {
    assert.ok(files.length > 0);
    for (const file of files) assert.match(file, /^[a-z]+-[a-z0-9-]+\.yaml$/);
  });

  for (const file of files) {
    it(file.replace(/\.yaml$/, ''), () => {
      const { object, expected } = loadFixture(file);
      assert.deepEqual(assessHealth(object), expected);
    });
  }

  it('has a fixture for every kind with a rule of its own', () => {
    const covered = new Set(
      files.map((file) => {
        const { object } = loadFixture(file);
        return ruleKey(parseApiVersion(object.apiVersion).group, object.kind);
      }),
    );
    const missing = [...HEALTH_RULES.keys()].filter((key) => !covered.has(key));
    assert.deepEqual(missing, []);
  });

  it('has a fixture ending in every status', () => {
    const seen = new Set(files.map((file) => loadFixture(file).expected.status));
    assert.deepEqual(
      HEALTH_STATUSES.filter((status) => !seen.has(status)),
      [],
    );
  });
});

describe('assessHealth on malformed objects', () => {
  const statuses: unknown[] = [
    'weird',
    [],
    null,
    { conditions: 'none' },
    { conditions: [null, 3, {}, { type: 7 }] },
    { replicas: '3', phase: 42, loadBalancer: { ingress: [null, {}] }, containerStatuses: [{}] },
  ];
  for (const key of HEALTH_RULES.keys()) {
    it(`judges ${key} with a malformed status without throwing`, () => {
      const slash = key.lastIndexOf('/');
      const apiVersion = slash === -1 ? 'v1' : `${key.slice(0, slash)}/v1`;
      const kind = key.slice(slash + 1);
      for (const status of statuses) {
        const health = assessHealth({ apiVersion, kind, metadata: { name: 'x', generation: 1 }, status });
        assert.ok(isHealthStatus(health.status));
        assert.notEqual(health.message, '');
      }
    });
  }
});
