// The fleet API calls the CLI makes (docs/api.md), typed: each checks the answer's shape and names
// what it asked for in its errors.
import type { ReadinessJson } from '../api/json.ts';
import type { NewCluster } from '../store/types.ts';
import {
  isClusterJson,
  isEnrollmentJson,
  isRecord,
  isSummaryJson,
  isWhoamiJson,
  type ClusterJson,
  type EnrollmentJson,
  type SummaryJson,
  type WhoamiJson,
} from './cluster-json.ts';
import type { Connection } from './config.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { hubRequest, requestJson, responseError } from './hub-client.ts';

/** Filters of GET /api/v1/clusters; each is sent only when set. */
export interface ClusterFilters {
  readonly selector?: string | undefined;
  readonly health?: string | undefined;
  readonly sync?: string | undefined;
  readonly state?: string | undefined;
  readonly stale?: 'true' | 'false' | undefined;
}

/** The body of `POST /api/v1/clusters`: a new cluster as the store takes it. */
export type NewClusterBody = NewCluster;

/** Clusters per page the CLI asks for (the API's maximum). */
export const PAGE_LIMIT = 500;
/** A listing longer than this many pages is cut (a hub that keeps answering `next` would loop forever). */
const MAX_PAGES = 1000;

function unexpected(what: string): CliError {
  return new CliError(EXIT.failure, `${what}: the hub's answer has an unexpected shape`);
}

const segment = (value: string): string => encodeURIComponent(value);

export async function whoami(connection: Connection): Promise<WhoamiJson> {
  const what = 'GET /api/v1/whoami';
  const value = await requestJson(connection, '/api/v1/whoami', what);
  if (!isWhoamiJson(value)) throw unexpected(what);
  return value;
}

/** Every cluster that passes the filters, following `next` cursors page by page. */
export async function listClusters(connection: Connection, filters: ClusterFilters): Promise<ClusterJson[]> {
  const clusters: ClusterJson[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters))
      if (typeof value === 'string' && value !== '') query.set(key, value);
    query.set('limit', String(PAGE_LIMIT));
    if (after !== undefined) query.set('after', after);
    const what = 'GET /api/v1/clusters';
    const value = await requestJson(connection, `/api/v1/clusters?${query.toString()}`, what);
    if (!isRecord(value) || !Array.isArray(value.items) || !value.items.every(isClusterJson))
      throw unexpected(what);
    clusters.push(...value.items);
    const next = value.next;
    if (typeof next !== 'string' || next === '' || next === after) return clusters;
    after = next;
  }
  throw new CliError(
    EXIT.failure,
    `GET /api/v1/clusters: more than ${MAX_PAGES} pages; narrow it with filters`,
  );
}

export async function fleetSummary(connection: Connection): Promise<SummaryJson> {
  const what = 'GET /api/v1/summary';
  const value = await requestJson(connection, '/api/v1/summary', what);
  if (!isSummaryJson(value)) throw unexpected(what);
  return value;
}

export async function getCluster(connection: Connection, name: string): Promise<ClusterJson> {
  const what = `cluster ${name}`;
  const value = await requestJson(connection, `/api/v1/clusters/${segment(name)}`, what);
  if (!isClusterJson(value)) throw unexpected(what);
  return value;
}

export async function createCluster(
  connection: Connection,
  body: NewClusterBody,
): Promise<{ readonly cluster: ClusterJson; readonly enrollment: EnrollmentJson }> {
  const what = `adding cluster ${body.name}`;
  const value = await requestJson(connection, '/api/v1/clusters', what, {
    method: 'POST',
    body,
    expect: [201],
  });
  if (!isRecord(value) || !isClusterJson(value.cluster) || !isEnrollmentJson(value.enrollment))
    throw unexpected(what);
  return { cluster: value.cluster, enrollment: value.enrollment };
}

export async function newEnrollment(connection: Connection, name: string): Promise<EnrollmentJson> {
  const what = `a new enrollment token for cluster ${name}`;
  const value = await requestJson(connection, `/api/v1/clusters/${segment(name)}/enrollment`, what, {
    method: 'POST',
    expect: [201],
  });
  if (!isEnrollmentJson(value)) throw unexpected(what);
  return value;
}

/** GET /install/<token> from the configured hub: the manifest's YAML text. */
export async function fetchInstallManifest(connection: Connection, token: string): Promise<string> {
  // The token is the authority here; it stays out of every message.
  const what = 'GET /install/<token>';
  const response = await hubRequest(connection, `/install/${segment(token)}`, { auth: false });
  if (response.status !== 200) throw responseError(response, what);
  return response.body;
}

export interface RecoveryBeginJson {
  readonly started: boolean;
  readonly revokedCredentials: number;
  readonly expectedObjects: number;
  readonly recordedRevision: string | null;
}

/** POST /api/v1/clusters/NAME/recover: the old credential revoked, the target recorded, a new token. */
export async function beginRecovery(
  connection: Connection,
  name: string,
): Promise<{ cluster: ClusterJson; enrollment: EnrollmentJson; recovery: RecoveryBeginJson }> {
  const what = `recovery of cluster ${name}`;
  const value = await requestJson(connection, `/api/v1/clusters/${segment(name)}/recover`, what, {
    method: 'POST',
    expect: [201],
  });
  if (
    !isRecord(value) ||
    !isClusterJson(value.cluster) ||
    !isEnrollmentJson(value.enrollment) ||
    !isRecord(value.recovery) ||
    typeof value.recovery.expectedObjects !== 'number'
  )
    throw unexpected(what);
  return {
    cluster: value.cluster,
    enrollment: value.enrollment,
    recovery: value.recovery as unknown as RecoveryBeginJson,
  };
}

/** GET /api/v1/clusters/NAME/readiness: the agent's last DR readiness report, or null when none yet. */
export async function getReadiness(connection: Connection, name: string): Promise<ReadinessJson | null> {
  const what = `the DR readiness of cluster ${name}`;
  const value = await requestJson(connection, `/api/v1/clusters/${segment(name)}/readiness`, what);
  if (!isRecord(value) || !('readiness' in value)) throw unexpected(what);
  const readiness = value.readiness;
  if (readiness === null) return null;
  if (!isRecord(readiness) || typeof readiness.total !== 'number') throw unexpected(what);
  return readiness as unknown as ReadinessJson;
}
