// The release's static install manifest (`kubectl kustomize deploy/agent`, built with the hub): split
// into its documents, each kept as its exact text, and checked for what the hub fills in. The hub
// serves these documents unchanged but for the bootstrap ConfigMap (see renderInstallManifest()).
import { isDeepStrictEqual } from 'node:util';
import { InstallError } from './errors.ts';
import { describeObject, dig, isKubeObject, isObject, isRecord, type KubeObject } from './kube-object.ts';
import {
  AGENT_CONTAINER,
  AGENT_DEPLOYMENT,
  AGENT_NAMESPACE,
  BOOTSTRAP_CONFIGMAP,
  BOOTSTRAP_KEY,
  CREDENTIAL_SECRET,
  HUB_SECRET,
} from './names.ts';
import { parseYamlStream, YamlError } from './yaml.ts';

export interface StaticDocument {
  /** The document's text as the release shipped it, ending in a newline, without the `---` line. */
  readonly text: string;
  readonly object: KubeObject;
}

export interface StaticManifest {
  /** Where it was read from (a file path), for messages. */
  readonly source: string;
  readonly documents: readonly StaticDocument[];
  /** Index in `documents` of the bootstrap ConfigMap, and of the agent's Deployment. */
  readonly bootstrapIndex: number;
  readonly deploymentIndex: number;
  /** The agent's image, as the Deployment names it. */
  readonly image: string;
  /** The GitSync text of the bootstrap ConfigMap (key gitsync.yaml). */
  readonly gitSyncText: string;
}

const SEPARATOR = /^---[ \t]*$/m;

/** The documents' texts; a separator is `---` alone on a line at column 0 (block scalars are indented). */
function splitDocuments(text: string): string[] {
  return text
    .split(SEPARATOR)
    .map((part) => part.replace(/^\r?\n/, ''))
    .filter((part) =>
      part.split('\n').some((line) => line.trim() !== '' && !line.trimStart().startsWith('#')),
    );
}

function invalid(source: string, message: string, cause?: unknown): InstallError {
  return new InstallError('static-manifest-invalid', `static install manifest ${source}`, message, { cause });
}

function parseDocuments(text: string, source: string): StaticDocument[] {
  let all: unknown[];
  try {
    all = parseYamlStream(text, source);
  } catch (error) {
    throw invalid(source, error instanceof YamlError ? error.message : 'does not parse', error);
  }
  const documents = splitDocuments(text).map((part, index): StaticDocument => {
    const values = parseYamlStream(part, `${source} document ${index + 1}`);
    const [object] = values;
    if (values.length !== 1 || !isKubeObject(object))
      throw invalid(
        source,
        `document ${index + 1} is not one object with apiVersion, kind and metadata.name`,
      );
    return { text: part.endsWith('\n') ? part : `${part}\n`, object };
  });
  if (
    !isDeepStrictEqual(
      documents.map((d) => d.object),
      all,
    )
  )
    throw invalid(source, 'its documents could not be split on `---` lines without changing them');
  return documents;
}

function findOne(
  documents: readonly StaticDocument[],
  source: string,
  kind: string,
  name: string,
): { index: number; object: KubeObject } {
  const matches = documents
    .map((document, index) => ({ index, object: document.object }))
    .filter(({ object }) => isObject(object, kind, AGENT_NAMESPACE, name));
  const [match] = matches;
  if (match === undefined || matches.length > 1)
    throw invalid(source, `expected exactly one ${kind} ${AGENT_NAMESPACE}/${name}, found ${matches.length}`);
  return match;
}

function agentImage(deployment: KubeObject, source: string): string {
  const containers = dig(deployment, 'spec', 'template', 'spec', 'containers');
  const list = Array.isArray(containers) ? (containers as unknown[]) : [];
  const container =
    list.find((c) => dig(c, 'name') === AGENT_CONTAINER) ?? (list.length === 1 ? list[0] : undefined);
  const image = dig(container, 'image');
  if (typeof image !== 'string' || image === '')
    throw invalid(
      source,
      `${describeObject(deployment)} has no container "${AGENT_CONTAINER}" with an image`,
    );
  return image;
}

function bootstrapText(configMap: KubeObject, source: string): string {
  const text = dig(configMap, 'data', BOOTSTRAP_KEY);
  if (typeof text !== 'string')
    throw invalid(source, `${describeObject(configMap)} has no key ${BOOTSTRAP_KEY}`);
  let values: unknown[];
  try {
    values = parseYamlStream(text, `${describeObject(configMap)} key ${BOOTSTRAP_KEY}`);
  } catch (error) {
    throw invalid(source, (error as Error).message, error);
  }
  const [gitSync] = values;
  if (values.length !== 1 || dig(gitSync, 'kind') !== 'GitSync' || !isRecord(dig(gitSync, 'spec')))
    throw invalid(
      source,
      `${describeObject(configMap)} key ${BOOTSTRAP_KEY} must hold one GitSync with a spec`,
    );
  return text;
}

/** Parses and checks a static manifest's text; throws InstallError('static-manifest-invalid') naming what is wrong. */
export function parseStaticManifest(text: string, source: string): StaticManifest {
  const documents = parseDocuments(text, source);
  const bootstrap = findOne(documents, source, 'ConfigMap', BOOTSTRAP_CONFIGMAP);
  const deployment = findOne(documents, source, 'Deployment', AGENT_DEPLOYMENT);
  const credential = findOne(documents, source, 'Secret', CREDENTIAL_SECRET);
  if (credential.object.data !== undefined || credential.object.stringData !== undefined)
    throw invalid(
      source,
      `${describeObject(credential.object)} must ship empty (re-applying the manifest would overwrite the agent's credential)`,
    );
  if (documents.some(({ object }) => isObject(object, 'Secret', AGENT_NAMESPACE, HUB_SECRET)))
    throw invalid(source, `it already holds Secret ${AGENT_NAMESPACE}/${HUB_SECRET}, which the hub adds`);
  return {
    source,
    documents,
    bootstrapIndex: bootstrap.index,
    deploymentIndex: deployment.index,
    image: agentImage(deployment.object, source),
    gitSyncText: bootstrapText(bootstrap.object, source),
  };
}
