// What a hello says about the cluster and the agent: the kube-system namespace's UID (the cluster's
// name for as long as it lives), the Kubernetes and agent versions, and the source the GitSync follows.
// The source comes from the last sync's spec, or from the GitSync itself before any sync; a repository
// URL loses any user or password first, so that no credential ever rides in a hello.
import { readFileSync } from 'node:fs';
import { BOUNDS, PROTOCOL_VERSIONS, type HelloBody } from '@ferry/shared/protocol';
import { parseGitSyncSpec } from '../gitsync/parse-spec.ts';
import { GITSYNC_GROUP, GITSYNC_KIND, GITSYNC_VERSION, type GitSyncSpec } from '../gitsync/types.ts';
import { KubeError, type KubeApi } from '../kube/index.ts';
import type { RefSpec } from '../source/index.ts';
import { cut } from './resource-state.ts';

export type HelloFacts = Omit<HelloBody, 'snapshotDigest'>;

export interface HelloFactsOptions {
  readonly namespace: string;
  /** The GitSync's name. */
  readonly name: string;
  readonly agentVersion: string;
  /** The spec of the last sync, when there was one. */
  readonly spec: () => GitSyncSpec | undefined;
}

/** Reads the facts; the cluster's UID and version are read once and kept. Throws when one is missing. */
export function helloFacts(kube: KubeApi, options: HelloFactsOptions): () => Promise<HelloFacts> {
  let cluster: { uid: string; version: string } | undefined;
  return async () => {
    if (cluster === undefined) {
      const ref = { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'kube-system' };
      const namespace = await kube.get(ref);
      const uid = namespace?.metadata.uid;
      if (uid === undefined)
        throw new KubeError('not-found', 'Namespace/kube-system: no UID to name the cluster by');
      const version = await kube.serverVersion();
      cluster = { uid, version: cut(version.gitVersion, BOUNDS.version) };
    }
    const spec = options.spec() ?? (await readSpec(kube, options));
    return {
      clusterUid: cluster.uid,
      agentVersion: cut(options.agentVersion, BOUNDS.version),
      kubernetesVersion: cluster.version,
      source: { repo: withoutUserInfo(spec.repo), ref: refText(spec.ref), path: spec.path },
      protocols: [...PROTOCOL_VERSIONS],
    };
  };
}

async function readSpec(kube: KubeApi, options: HelloFactsOptions): Promise<GitSyncSpec> {
  const ref = {
    group: GITSYNC_GROUP,
    version: GITSYNC_VERSION,
    kind: GITSYNC_KIND,
    namespace: options.namespace,
    name: options.name,
  };
  const where = `GitSync ${options.namespace}/${options.name}`;
  const gitSync = await kube.get(ref);
  if (gitSync === undefined)
    throw new KubeError('not-found', `${where} not found: no source to say hello with`);
  const parsed = parseGitSyncSpec(gitSync.spec, gitSync.metadata.annotations);
  if (!parsed.ok) throw new KubeError('invalid', `${where}: ${parsed.errors.join('; ')}`);
  return parsed.spec;
}

/**
 * The ref a GitSync follows, in the GitSync's own syntax so that the hub knows its kind (a webhook
 * for a tag push hints the agents that follow tags): `main`, `tag:v1.2.0`, `semver:>=1 <2`, a SHA.
 */
export function refText(ref: RefSpec): string {
  switch (ref.kind) {
    case 'branch':
      return ref.name;
    case 'tag':
      return `tag:${ref.name}`;
    case 'semver':
      return `semver:${ref.range}`;
    case 'commit':
      return ref.sha;
  }
}

/** `https://user:token@host/repo.git` → `https://host/repo.git`; anything else as it is. */
export function withoutUserInfo(repo: string): string {
  if (!URL.canParse(repo)) return repo;
  const url = new URL(repo);
  if (url.username === '' && url.password === '') return repo;
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.password === '') return repo;
  url.username = '';
  url.password = '';
  return url.toString();
}

/** The agent's version, from its package.json (the same folder layout in src/ and dist/). */
export function agentVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' && version !== '' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
