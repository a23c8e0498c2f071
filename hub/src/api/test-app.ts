// For the API's tests: the app on a real SQLite store in a temporary directory, a channel double that
// records what it was asked, a clock the test moves, a log kept in memory, API tokens for an admin and
// a viewer, and clusters brought into named states through the store (as the channel would).
import type { ObjectRef } from '@ferry/shared';
import { createLogger } from '@ferry/shared';
import { digest, newToken } from '../crypto.ts';
import type { Cluster, DriftRecord, EventRecord, ResourceRecord, Store, SyncRecord } from '../store/index.ts';
import { at, newCluster, ref, resource, sync, T0, tempStore } from '../store/test-store.ts';
import { createApp } from './app.ts';
import type { LiveSource, WebhookSecrets } from '../webhooks/index.ts';
import type { ChannelView } from './deps.ts';

export { at, ref, resource, sync, T0 };

export const STALE_AFTER_MS = 60_000;
export const ENROLLMENT_TTL_MS = 3_600_000;
export const PUBLIC_URL = 'https://hub.example.com:8443';

export interface ChannelDouble extends ChannelView {
  readonly connected: Set<string>;
  readonly refreshes: { cluster: string; reason: string }[];
  readonly disconnects: { cluster: string; reason: string }[];
  /** What connected agents' hellos said they follow (following()); a test fills it. */
  readonly live: LiveSource[];
}

export function channelDouble(): ChannelDouble {
  const connected = new Set<string>();
  const refreshes: { cluster: string; reason: string }[] = [];
  const disconnects: { cluster: string; reason: string }[] = [];
  const live: LiveSource[] = [];
  return {
    connected,
    refreshes,
    disconnects,
    live,
    following: () => live.filter((source) => connected.has(source.cluster)),
    isConnected: (cluster) => connected.has(cluster),
    refresh: (cluster, reason) => {
      refreshes.push({ cluster, reason });
      return connected.has(cluster);
    },
    disconnect: (cluster, reason) => {
      disconnects.push({ cluster, reason });
      return connected.delete(cluster);
    },
  };
}

/** The install manifest double: shows which cluster and token it was rendered for. */
export function renderInstallDouble(cluster: Cluster, enrollmentToken: string): string {
  return `cluster: ${cluster.name}\nrepo: ${cluster.repo}\nenrollmentToken: ${enrollmentToken}\n`;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as JSON (undefined when it is empty or not JSON). */
  readonly json: unknown;
}

export interface RequestOptions {
  /** The API token to send as a bearer token; none when undefined. */
  readonly token?: string;
  /** Sent as JSON (a string is sent as it is). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface TestApp {
  readonly store: Store;
  readonly channel: ChannelDouble;
  readonly adminToken: string;
  readonly viewerToken: string;
  /** Every log line the app wrote, as JSON text. */
  readonly logLines: string[];
  /** Sets the app's clock. */
  setNow(now: Date): void;
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  readonly cleanup: () => void;
}

export interface TestAppOptions {
  /** When the hub started (the stale grace period runs from it); T0 unless told. */
  readonly startedAt?: Date;
  /** The clock's first reading; startedAt + 10 minutes (past the grace period) unless told. */
  readonly now?: Date;
  readonly renderInstall?: (cluster: Cluster, enrollmentToken: string) => string;
  /** The webhook relay's secrets; none configured unless told. */
  readonly webhookSecrets?: WebhookSecrets;
}

export function testApp(options: TestAppOptions = {}): TestApp {
  const { store, cleanup } = tempStore();
  const startedAt = options.startedAt ?? T0;
  let now = options.now ?? new Date(startedAt.getTime() + 600_000);
  const channel = channelDouble();
  const logLines: string[] = [];
  const adminToken = newToken('api');
  const viewerToken = newToken('api');
  store.createApiToken({ digest: digest(adminToken), name: 'ann', role: 'admin' }, T0);
  store.createApiToken({ digest: digest(viewerToken), name: 'vic', role: 'viewer' }, T0);
  const app = createApp({
    store,
    channel,
    now: () => now,
    renderInstall: options.renderInstall ?? renderInstallDouble,
    config: {
      publicUrl: PUBLIC_URL,
      staleAfterMs: STALE_AFTER_MS,
      startedAt,
      enrollmentTtlMs: ENROLLMENT_TTL_MS,
    },
    log: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
    ...(options.webhookSecrets === undefined ? {} : { webhooks: { secrets: options.webhookSecrets } }),
  });
  return {
    store,
    channel,
    adminToken,
    viewerToken,
    logLines,
    setNow: (date) => {
      now = date;
    },
    request: async (method, path, request = {}) => {
      const headers: Record<string, string> = { ...request.headers };
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
      let body: string | undefined;
      if (request.body !== undefined) {
        body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await app.request(path, { method, headers, body });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    cleanup,
  };
}

/** The `error` object of an error answer. */
export function errorOf(answer: Answer): { code: string; message: string; reason?: string } {
  const body = answer.json as { error?: { code: string; message: string; reason?: string } } | undefined;
  if (body?.error === undefined) throw new Error(`not an error answer (${answer.status}): ${answer.text}`);
  return body.error;
}

// Clusters in named states, made through the store as the channel would make them.

export function addPendingCluster(store: Store, name: string, labels: Record<string, string> = {}): void {
  const created = store.createCluster(newCluster(name, labels), T0);
  if (!created.ok) throw new Error(`fixture: cluster ${name} exists`);
}

export interface EnrolledOptions {
  readonly labels?: Record<string, string>;
  /** When the agent said hello (and sent everything below); lastHeardAt. */
  readonly heardAt: Date;
  readonly syncs?: readonly SyncRecord[];
  readonly resources?: readonly ResourceRecord[];
  readonly drift?: readonly DriftRecord[];
  readonly events?: readonly EventRecord[];
}

/** A cluster whose agent enrolled, said hello and reported, all at heardAt. */
export function addEnrolledCluster(store: Store, name: string, options: EnrolledOptions): void {
  addPendingCluster(store, name, options.labels);
  const token = digest(newToken('enrollment'));
  const credential = digest(newToken('api'));
  store.issueEnrollmentToken(name, token, at(3600), T0);
  if (!store.redeemEnrollment(token, credential, T0).ok) throw new Error(`fixture: ${name} did not enroll`);
  const epoch = `epoch-${name}`;
  const hello = { credentialDigest: credential, clusterUid: `uid-${name}`, agentVersion: '0.1.0', epoch };
  if (!store.recordHello(name, { ...hello, kubernetesVersion: 'v1.30.2' }, options.heardAt).ok) {
    throw new Error(`fixture: ${name}'s hello was refused`);
  }
  let seq = 1;
  const records = [
    ...(options.syncs ?? []).map((s) => ({ type: 'sync' as const, sync: s })),
    ...(options.resources === undefined
      ? []
      : [
          {
            type: 'snapshot-chunk' as const,
            chunk: {
              snapshotId: `snap-${name}`,
              digest: `sha256:${'0'.repeat(64)}`,
              index: 0,
              last: true,
              resources: options.resources,
            },
          },
        ]),
    ...(options.drift ?? []).map((d) => ({ type: 'drift' as const, drift: d })),
    ...(options.events ?? []).map((e) => ({ type: 'event' as const, event: e })),
  ].map((record) => ({ ...record, epoch, seq: (seq += 1) }));
  if (records.length > 0 && !store.applyAgentBatch(name, records, options.heardAt).ok) {
    throw new Error(`fixture: ${name}'s reports were refused`);
  }
}

export function driftOf(target: ObjectRef, atDate: Date): DriftRecord {
  return {
    ref: target,
    kind: 'changed',
    fields: [{ path: 'spec.replicas', change: 'changed', managers: ['kubectl-edit'] }],
    action: 'reported',
    at: atDate,
  };
}
