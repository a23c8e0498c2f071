// The Pod-side pieces of the in-cluster runner (in-cluster-runner.ts): env and envFrom resolution with
// $(VAR) expansion, fieldRef values, volumes materialized as files, paths rewritten into the
// materialized mounts. The token itself is kept fresh by service-account-token.ts.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError } from './errors.ts';
import type { TokenKeeper } from './service-account-token.ts';

/** Where a kubelet mounts the ServiceAccount token when nothing else is mounted there. */
export const DEFAULT_SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Who the simulated Pod is: what fieldRefs and downward API files resolve to. */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly serviceAccount: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The keys of a ConfigMap or Secret (decoded), or undefined when it does not exist. */
export type SourceReader = (
  kind: 'ConfigMap' | 'Secret',
  name: string,
) => Promise<ReadonlyMap<string, Buffer> | undefined>;

interface KeyRef {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}
interface EnvVarView {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: KeyRef;
    readonly configMapKeyRef?: KeyRef;
    readonly fieldRef?: { readonly fieldPath: string };
    readonly resourceFieldRef?: { readonly resource: string };
  };
}
interface EnvFromView {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name: string; readonly optional?: boolean };
}
interface KeyToPath {
  readonly key: string;
  readonly path: string;
  readonly mode?: number;
}
interface DownwardItem {
  readonly path: string;
  readonly fieldRef?: { readonly fieldPath: string };
  readonly mode?: number;
}
interface KeyedSourceView {
  readonly items?: readonly KeyToPath[];
  readonly optional?: boolean;
}
export interface ContainerView {
  readonly name: string;
  readonly args?: readonly string[];
  readonly env?: readonly EnvVarView[];
  readonly envFrom?: readonly EnvFromView[];
  readonly volumeMounts?: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly subPath?: string;
  }[];
}
export interface VolumeView {
  readonly name: string;
  readonly emptyDir?: object;
  readonly configMap?: KeyedSourceView & { readonly name: string; readonly defaultMode?: number };
  readonly secret?: KeyedSourceView & { readonly secretName: string; readonly defaultMode?: number };
  readonly downwardAPI?: { readonly items?: readonly DownwardItem[]; readonly defaultMode?: number };
  readonly persistentVolumeClaim?: { readonly claimName: string };
  readonly projected?: {
    readonly defaultMode?: number;
    readonly sources: readonly {
      readonly serviceAccountToken?: {
        readonly audience?: string;
        readonly expirationSeconds?: number;
        readonly path: string;
      };
      readonly configMap?: KeyedSourceView & { readonly name: string };
      readonly secret?: KeyedSourceView & { readonly name: string };
      readonly downwardAPI?: { readonly items?: readonly DownwardItem[] };
    }[];
  };
}
export interface PodSpecView {
  readonly serviceAccountName?: string;
  readonly serviceAccount?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly containers: readonly ContainerView[];
  readonly volumes?: readonly VolumeView[];
}

interface Context {
  readonly identity: PodIdentity;
  readonly read: SourceReader;
  /** "Deployment/ns/name", for messages. */
  readonly where: string;
}

/** Writes `content` to `path` through a temporary file and a rename, so readers never see half of it. */
export function writeAtomically(path: string, content: string | Buffer, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `..${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

function mapLines(map: Readonly<Record<string, string>>): string {
  return Object.keys(map)
    .sort()
    .map((key) => `${key}=${JSON.stringify(map[key])}`)
    .join('\n');
}

/** The value of a fieldRef (env) or downward API item, as the kubelet would resolve it for this Pod. */
export function fieldValue(fieldPath: string, identity: PodIdentity, where: string): string {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed?.[1] !== undefined && keyed[2] !== undefined) {
    const map = keyed[1] === 'labels' ? identity.labels : identity.annotations;
    return Object.hasOwn(map, keyed[2]) ? (map[keyed[2]] ?? '') : '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return identity.name;
    case 'metadata.namespace':
      return identity.namespace;
    case 'metadata.uid':
      return identity.uid;
    case 'metadata.labels':
      return mapLines(identity.labels);
    case 'metadata.annotations':
      return mapLines(identity.annotations);
    case 'spec.serviceAccountName':
      return identity.serviceAccount;
    case 'spec.nodeName':
      return 'ferry-sim-node';
    case 'status.podIP':
    case 'status.podIPs':
    case 'status.hostIP':
      return '127.0.0.1';
    default:
      throw new HarnessError(
        'bad-state',
        `${where}: fieldRef ${fieldPath} is not supported by the in-cluster runner`,
      );
  }
}

/** Kubernetes' $(VAR) expansion: defined references are replaced, `$$` is a literal `$`, the rest stays. */
export function expandReferences(input: string, lookup: (name: string) => string | undefined): string {
  return input.replace(/\$(\$|\(([^)]*)\))/g, (whole, _operator: string, name: string | undefined) => {
    if (whole === '$$') return '$';
    return (name !== undefined ? lookup(name) : undefined) ?? whole;
  });
}

async function keyValue(kind: 'ConfigMap' | 'Secret', ref: KeyRef, variable: string, ctx: Context) {
  const data = await ctx.read(kind, ref.name);
  const value = data?.get(ref.key);
  if (value !== undefined) return value.toString('utf8');
  if (ref.optional === true) return undefined;
  const object = `${kind}/${ctx.identity.namespace}/${ref.name}`;
  throw new HarnessError(
    'bad-state',
    `${ctx.where}: env ${variable} needs ${data === undefined ? `${object}, which does not exist` : `key ${ref.key} of ${object}, which it lacks`}`,
  );
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The container's environment in kubelet order: service variables, envFrom, env (each value with $(VAR)
 * references to the ones before it expanded). `expand` expands references in args the same way.
 */
export async function resolveEnv(
  container: ContainerView,
  serviceEnv: Readonly<Record<string, string>>,
  ctx: Context,
): Promise<{ env: Record<string, string>; expand: (input: string) => string }> {
  const env: Record<string, string> = { ...serviceEnv };
  const lookup = (name: string): string | undefined => (Object.hasOwn(env, name) ? env[name] : undefined);
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef !== undefined ? 'ConfigMap' : 'Secret';
    const ref = from.configMapRef ?? from.secretRef;
    if (ref === undefined) continue;
    const data = await ctx.read(kind, ref.name);
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw new HarnessError(
        'bad-state',
        `${ctx.where}: envFrom needs ${kind}/${ctx.identity.namespace}/${ref.name}, which does not exist`,
      );
    }
    for (const [key, value] of data) {
      const name = `${from.prefix ?? ''}${key}`;
      if (ENV_NAME.test(name)) env[name] = value.toString('utf8'); // the kubelet skips invalid names too
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined;
    if (from?.secretKeyRef) value = await keyValue('Secret', from.secretKeyRef, variable.name, ctx);
    else if (from?.configMapKeyRef)
      value = await keyValue('ConfigMap', from.configMapKeyRef, variable.name, ctx);
    else if (from?.fieldRef) value = fieldValue(from.fieldRef.fieldPath, ctx.identity, ctx.where);
    else if (from?.resourceFieldRef) {
      throw new HarnessError(
        'bad-state',
        `${ctx.where}: env ${variable.name} uses resourceFieldRef, which the in-cluster runner does not support`,
      );
    } else value = expandReferences(variable.value ?? '', lookup);
    if (value !== undefined) env[variable.name] = value;
  }
  return { env, expand: (input) => expandReferences(input, lookup) };
}

/**
 * Rewrites values that start with a mount path (the longest that matches), also as `--flag=PATH`, to
 * their materialized place under fsRoot: `--cache=/var/cache/ferry` → `--cache=<fsRoot>/var/cache/ferry`.
 */
export function rewritePaths(
  values: Readonly<Record<string, string>>,
  fsRoot: string,
  mountPaths: readonly string[],
): Record<string, string> {
  const roots = mountPaths.map((path) => (path.length > 1 ? path.replace(/\/+$/, '') : path));
  const mapPath = (path: string): string | undefined => {
    const match = roots
      .filter((root) => path === root || path.startsWith(root === '/' ? root : `${root}/`))
      .sort((a, b) => b.length - a.length)[0];
    return match === undefined ? undefined : `${fsRoot}${path}`;
  };
  const rewrite = (value: string): string => {
    const direct = mapPath(value);
    if (direct !== undefined) return direct;
    const flag = /^(-{1,2}[^=\s]+=)(\/.*)$/.exec(value);
    const mapped = flag?.[2] !== undefined ? mapPath(flag[2]) : undefined;
    return mapped !== undefined && flag?.[1] !== undefined ? `${flag[1]}${mapped}` : value;
  };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, rewrite(value)]));
}

async function writeKeyed(
  dir: string,
  kind: 'ConfigMap' | 'Secret',
  name: string,
  source: KeyedSourceView,
  mode: number,
  volume: string,
  ctx: Context,
): Promise<void> {
  const data = await ctx.read(kind, name);
  const object = `${kind}/${ctx.identity.namespace}/${name}`;
  if (data === undefined) {
    if (source.optional === true) return;
    throw new HarnessError(
      'bad-state',
      `${ctx.where}: volume ${volume} needs ${object}, which does not exist`,
    );
  }
  const entries = source.items ?? [...data.keys()].map((key) => ({ key, path: key, mode: undefined }));
  for (const item of entries) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (source.optional === true) continue;
      throw new HarnessError(
        'bad-state',
        `${ctx.where}: volume ${volume} needs key ${item.key} of ${object}, which it lacks`,
      );
    }
    writeAtomically(join(dir, item.path), value, item.mode ?? mode);
  }
}

function writeDownward(dir: string, items: readonly DownwardItem[], mode: number, ctx: Context): void {
  for (const item of items) {
    if (item.fieldRef === undefined) {
      throw new HarnessError(
        'bad-state',
        `${ctx.where}: downward API item ${item.path} needs a fieldRef here`,
      );
    }
    writeAtomically(
      join(dir, item.path),
      fieldValue(item.fieldRef.fieldPath, ctx.identity, ctx.where),
      item.mode ?? mode,
    );
  }
}

/**
 * Materializes one volume as files in `dir`: Secret, ConfigMap (items honoured), emptyDir, downwardAPI,
 * projected (serviceAccountToken, configMap, secret, downwardAPI sources). A persistentVolumeClaim
 * becomes a directory under `claimsDir` that outlives the run. Anything else is refused.
 */
export async function materializeVolume(
  volume: VolumeView,
  dir: string,
  ctx: Context & { readonly keeper: TokenKeeper; readonly claimsDir: string },
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  if (volume.emptyDir !== undefined) return dir;
  if (volume.persistentVolumeClaim !== undefined) {
    const claimDir = join(ctx.claimsDir, volume.persistentVolumeClaim.claimName);
    mkdirSync(claimDir, { recursive: true });
    return claimDir;
  }
  if (volume.configMap !== undefined) {
    const source = volume.configMap;
    await writeKeyed(dir, 'ConfigMap', source.name, source, source.defaultMode ?? 0o644, volume.name, ctx);
  } else if (volume.secret !== undefined) {
    const source = volume.secret;
    await writeKeyed(dir, 'Secret', source.secretName, source, source.defaultMode ?? 0o644, volume.name, ctx);
  } else if (volume.downwardAPI !== undefined) {
    writeDownward(dir, volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? 0o644, ctx);
  } else if (volume.projected !== undefined) {
    const mode = volume.projected.defaultMode ?? 0o644;
    for (const source of volume.projected.sources) {
      if (source.serviceAccountToken) {
        const token = source.serviceAccountToken;
        const seconds = Math.max(600, token.expirationSeconds ?? 3600);
        await ctx.keeper.add(join(dir, token.path), token.audience, seconds, mode);
      } else if (source.configMap) {
        await writeKeyed(dir, 'ConfigMap', source.configMap.name, source.configMap, mode, volume.name, ctx);
      } else if (source.secret) {
        await writeKeyed(dir, 'Secret', source.secret.name, source.secret, mode, volume.name, ctx);
      } else if (source.downwardAPI) {
        writeDownward(dir, source.downwardAPI.items ?? [], mode, ctx);
      }
    }
  } else {
    const kinds = Object.keys(volume).filter((key) => key !== 'name');
    throw new HarnessError(
      'bad-state',
      `${ctx.where}: volume ${volume.name} (${kinds.join(', ')}) is not supported by the in-cluster runner`,
    );
  }
  return dir;
}
