// The fleet, made before the hub starts: N clusters and one agent credential each, written through the
// hub's own store module (createCluster, issueEnrollmentToken, redeemEnrollment: what POST /clusters and
// POST /enroll do, less HTTP), so 10,000 enrollments take seconds, not the minutes 20,000 API calls
// would. The agents' identities (name, credential, cluster UID) go to a JSON file for the generator.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { digest, newToken } from '../../hub/src/crypto.ts';
import { enrollmentExpiry, openStore } from '../../hub/src/store/index.ts';
import type { AgentIdentity } from './frames.ts';

const ENVS = ['prod', 'staging'] as const;
const REGIONS = ['eu-1', 'eu-2', 'us-1', 'ap-1'] as const;

export function clusterName(index: number): string {
  return `c-${String(index).padStart(5, '0')}`;
}

export interface Seeded {
  readonly agents: readonly AgentIdentity[];
  readonly ms: number;
}

export function seedFleet(dbPath: string, count: number, agentsFile: string): Seeded {
  const started = performance.now();
  const store = openStore({ path: dbPath });
  const agents: AgentIdentity[] = [];
  try {
    const now = new Date();
    for (let index = 0; index < count; index++) {
      const name = clusterName(index);
      const created = store.createCluster(
        {
          name,
          labels: {
            env: ENVS[index % ENVS.length] ?? 'prod',
            region: REGIONS[index % REGIONS.length] ?? 'eu-1',
          },
          repo: 'https://git.example.com/fleet.git',
          ref: 'main',
          path: `clusters/${name}`,
          targetNamespace: '',
          credentialsSecret: '',
        },
        now,
      );
      if (!created.ok) throw new Error(`seeding cluster ${name}: ${created.reason}`);
      const token = newToken('enrollment');
      store.issueEnrollmentToken(name, digest(token), enrollmentExpiry(now), now);
      const credential = newToken('api');
      const redeemed = store.redeemEnrollment(digest(token), digest(credential), now);
      if (!redeemed.ok) throw new Error(`seeding cluster ${name}: enrollment ${redeemed.reason}`);
      agents.push({ name, credential, clusterUid: randomUUID() });
    }
  } finally {
    store.close();
  }
  writeFileSync(agentsFile, JSON.stringify(agents), { mode: 0o600 });
  return { agents, ms: performance.now() - started };
}
