// What an install manifest will install, read back from its text: the GitSync's source, the agent's
// image and the hub it reports to. `ferry cluster add` prints it before the manifest, so that a person
// sees what they are about to apply.
import { InstallError } from './errors.ts';
import { dig, isKubeObject, isObject, type KubeObject } from './kube-object.ts';
import {
  AGENT_CONTAINER,
  AGENT_DEPLOYMENT,
  AGENT_NAMESPACE,
  BOOTSTRAP_CONFIGMAP,
  BOOTSTRAP_KEY,
  CLUSTER_ANNOTATION,
  HUB_SECRET,
  HUB_SECRET_KEYS,
} from './names.ts';
import { parseYamlStream } from './yaml.ts';

export interface InstallDescription {
  readonly repo: string;
  /** The GitSync's ref, or its schema default (main) when it names none. */
  readonly ref: string;
  /** '' for the repository's root. */
  readonly path: string;
  /** The GitSync's target namespace, or its schema default (default) when it names none. */
  readonly targetNamespace: string;
  /** The Secret with the Git credential the GitSync names; undefined for a public repo. */
  readonly credentialsSecret: string | undefined;
  /** The agent container's image, as the Deployment names it. */
  readonly image: string;
  /** The hub URL in the bootstrap Secret; undefined for a manifest without one (standalone). */
  readonly hubUrl: string | undefined;
  /** The cluster the enrollment token is for (the Secret's annotation), when named. */
  readonly cluster: string | undefined;
  /** True when the manifest carries a CA for the hub's certificate. */
  readonly hubCa: boolean;
}

function manifestInvalid(message: string, cause?: unknown): InstallError {
  return new InstallError(
    'manifest-invalid',
    'install manifest',
    message,
    cause === undefined ? undefined : { cause },
  );
}

function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((object) => isObject(object, kind, AGENT_NAMESPACE, name));
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw manifestInvalid(`${field} is not a string`);
  return value;
}

function gitSyncSpec(objects: readonly KubeObject[]): unknown {
  const configMap = find(objects, 'ConfigMap', BOOTSTRAP_CONFIGMAP);
  const where = `ConfigMap ${AGENT_NAMESPACE}/${BOOTSTRAP_CONFIGMAP}`;
  const text = dig(configMap, 'data', BOOTSTRAP_KEY);
  if (typeof text !== 'string') throw manifestInvalid(`it has no ${where} with key ${BOOTSTRAP_KEY}`);
  const [gitSync] = parseYamlStream(text, `${where} key ${BOOTSTRAP_KEY}`);
  return dig(gitSync, 'spec');
}

function agentImage(objects: readonly KubeObject[]): string {
  const deployment = find(objects, 'Deployment', AGENT_DEPLOYMENT);
  const containers = dig(deployment, 'spec', 'template', 'spec', 'containers');
  const list = Array.isArray(containers) ? (containers as unknown[]) : [];
  const container =
    list.find((c) => dig(c, 'name') === AGENT_CONTAINER) ?? (list.length === 1 ? list[0] : undefined);
  const image = dig(container, 'image');
  if (typeof image !== 'string')
    throw manifestInvalid(`it has no Deployment ${AGENT_NAMESPACE}/${AGENT_DEPLOYMENT} with an image`);
  return image;
}

/** Reads a manifest's source, image and hub; throws InstallError('manifest-invalid') when it lacks them. */
export function describeInstall(manifestText: string): InstallDescription {
  let objects: KubeObject[];
  try {
    objects = parseYamlStream(manifestText, 'install manifest').filter(isKubeObject);
  } catch (error) {
    throw manifestInvalid((error as Error).message, error);
  }
  const spec = gitSyncSpec(objects);
  const repo = optionalString(dig(spec, 'repo'), 'spec.repo');
  if (repo === undefined) throw manifestInvalid(`the GitSync in ${BOOTSTRAP_CONFIGMAP} names no repo`);
  const secret = find(objects, 'Secret', HUB_SECRET);
  const stringData = dig(secret, 'stringData');
  return {
    repo,
    ref: optionalString(dig(spec, 'ref'), 'spec.ref') ?? 'main',
    path: optionalString(dig(spec, 'path'), 'spec.path') ?? '',
    targetNamespace: optionalString(dig(spec, 'targetNamespace'), 'spec.targetNamespace') ?? 'default',
    credentialsSecret: optionalString(dig(spec, 'credentials', 'secretName'), 'spec.credentials.secretName'),
    image: agentImage(objects),
    hubUrl: optionalString(dig(stringData, HUB_SECRET_KEYS.url), `Secret ${HUB_SECRET} url`),
    cluster: optionalString(dig(secret, 'metadata', 'annotations', CLUSTER_ANNOTATION), CLUSTER_ANNOTATION),
    hubCa: typeof dig(stringData, HUB_SECRET_KEYS.ca) === 'string',
  };
}
