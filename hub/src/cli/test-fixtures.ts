// For the CLI's tests: ClusterJson fixtures named by state (fixtures/clusters/<state>.json), all as
// seen at NOW.
import { readFileSync } from 'node:fs';
import { isClusterJson, type ClusterJson } from './cluster-json.ts';

export const CLUSTER_FIXTURES = [
  'pending',
  'enrolled-current',
  'stale',
  'failed-sync',
  'recovering',
] as const;
export type ClusterFixture = (typeof CLUSTER_FIXTURES)[number];

/** The clock the fixtures are written against. */
export const NOW = new Date('2025-01-01T12:00:00.000Z');

export function clusterFixture(name: ClusterFixture): ClusterJson {
  const value: unknown = JSON.parse(
    readFileSync(new URL(`./fixtures/clusters/${name}.json`, import.meta.url), 'utf8'),
  );
  if (!isClusterJson(value)) throw new Error(`fixtures/clusters/${name}.json is not a ClusterJson`);
  return value;
}

export function allClusterFixtures(): ClusterJson[] {
  return CLUSTER_FIXTURES.map(clusterFixture);
}
