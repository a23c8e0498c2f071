// Git credentials from a Kubernetes Secret in the cluster (the agent's way; the command line reads
// files or the environment). The values are decoded here and never logged or reported.
import type { KubeApi } from './kube/index.ts';
import { credentialsFromSecretData, SourceError, type GitCredentials } from './source/index.ts';

export async function readGitCredentials(
  kube: KubeApi,
  namespace: string,
  name: string,
): Promise<GitCredentials> {
  const where = `Secret ${namespace}/${name}`;
  const secret = await kube.get({ group: '', version: 'v1', kind: 'Secret', namespace, name });
  if (secret === undefined)
    throw new SourceError('auth-refused', `${where}, named as the Git credentials, does not exist`);
  const data = (secret.data ?? {}) as Record<string, unknown>;
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string') decoded[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return credentialsFromSecretData(where, decoded);
}
