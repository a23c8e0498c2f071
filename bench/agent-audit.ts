// Counting the agent's API requests from the API server's side: the benchmark's cluster writes an audit
// log of the agent's ServiceAccount only (metadata level, one RequestReceived and one ResponseComplete
// event per request), and AuditLog reads it as it grows. Other clients (the controller manager, the
// benchmark's own kubectl) are not in it, so nothing has to be subtracted.
import { closeSync, existsSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The agent's identity on the API server (deploy/agent's ServiceAccount). */
export const AGENT_USER = 'system:serviceaccount:ferry-system:ferry-agent';

/** Writes the audit policy into `dir`; answers the kube-apiserver flags that turn the log on. */
export function auditApiserverArgs(dir: string): { args: string[]; logFile: string } {
  const policy = join(dir, 'audit-policy.yaml');
  const logFile = join(dir, 'audit.log');
  writeFileSync(
    policy,
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: [ResponseStarted]',
      'rules:',
      '- level: Metadata',
      `  users: ["${AGENT_USER}"]`,
      '- level: None',
      '',
    ].join('\n'),
  );
  return {
    args: [
      `--audit-policy-file=${policy}`,
      `--audit-log-path=${logFile}`,
      '--audit-log-format=json',
      '--audit-log-mode=blocking',
      // No rotation during an hour-long soak: the reader follows one file.
      '--audit-log-maxsize=100000',
    ],
    logFile,
  };
}

interface AuditEvent {
  readonly auditID: string;
  readonly stage: string;
  readonly verb: string;
  readonly requestURI: string;
  readonly user?: { readonly username?: string };
  readonly objectRef?: { readonly resource?: string; readonly subresource?: string };
  readonly requestReceivedTimestamp: string;
}

export interface AuditRequest {
  readonly verb: string;
  /** `configmaps`, `gitsyncs/status`, or the path of a non-resource request. */
  readonly resource: string;
  readonly dryRun: boolean;
  /** When the API server received it (ms since the epoch). */
  readonly receivedAt: number;
}

/** `patch configmaps (dry-run)`: the key requests are grouped by in reports. */
export const requestKey = (r: AuditRequest): string =>
  `${r.verb} ${r.resource}${r.dryRun ? ' (dry-run)' : ''}`;

export class AuditLog {
  readonly #file: string;
  #offset = 0;
  #partial = '';
  #since: AuditRequest[] = [];
  readonly #inFlight = new Set<string>();
  /** When the last request other than a Lease renewal arrived (ms since the epoch). */
  lastReceivedAt = 0;

  constructor(file: string) {
    this.#file = file;
  }

  /** Reads what the API server appended since the last call. */
  read(): void {
    if (!existsSync(this.#file)) return;
    const fd = openSync(this.#file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.#offset) return;
      const buffer = Buffer.alloc(size - this.#offset);
      readSync(fd, buffer, 0, buffer.length, this.#offset);
      this.#offset = size;
      const lines = (this.#partial + buffer.toString('utf8')).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.#take(JSON.parse(line) as AuditEvent);
    } finally {
      closeSync(fd);
    }
  }

  #take(event: AuditEvent): void {
    if (event.user?.username !== AGENT_USER) return;
    if (event.stage === 'ResponseComplete' || event.stage === 'Panic') {
      this.#inFlight.delete(event.auditID);
      return;
    }
    if (event.stage !== 'RequestReceived') return;
    const ref = event.objectRef;
    const resource =
      ref?.resource === undefined
        ? (event.requestURI.split('?')[0] ?? event.requestURI)
        : `${ref.resource}${ref.subresource === undefined ? '' : `/${ref.subresource}`}`;
    const request = {
      verb: event.verb,
      resource,
      dryRun: /[?&]dryRun=All/.test(event.requestURI),
      receivedAt: Date.parse(event.requestReceivedTimestamp),
    };
    this.#since.push(request);
    if (request.verb !== 'watch') this.#inFlight.add(event.auditID);
    if (resource !== 'leases') this.lastReceivedAt = request.receivedAt;
  }

  /** Starts a new window: `since()` answers only requests read after this. */
  mark(): void {
    this.read();
    this.#since = [];
  }

  since(): readonly AuditRequest[] {
    this.read();
    return this.#since;
  }

  /** Requests received and not answered yet, watches aside. */
  inFlight(): number {
    this.read();
    return this.#inFlight.size;
  }
}

/** The requests of a window that belong to a sync: Lease renewals (every 5 s, sync or not) left out. */
export const syncRequests = (requests: readonly AuditRequest[]): AuditRequest[] =>
  requests.filter((r) => r.resource !== 'leases');

/** `get services 140, list configmaps 1, …`, most frequent first. */
export function breakdown(requests: readonly AuditRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(requestKey(r), (counts.get(requestKey(r)) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => `${key} ${String(count)}`)
    .join(', ');
}

export const isWrite = (r: AuditRequest): boolean => !r.dryRun && !['get', 'list', 'watch'].includes(r.verb);
