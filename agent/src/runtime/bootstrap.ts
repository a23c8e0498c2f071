// The one-step install: `kubectl apply -k deploy/agent` cannot create a GitSync in the same apply as
// its CRD, so the install ships the GitSync inside a ConfigMap and the agent creates it at start. The
// ConfigMap's digest is kept on the GitSync: an unchanged ConfigMap never overwrites a GitSync that a
// person or Git changed since; a changed ConfigMap (a new install manifest) updates it.
import { createHash } from 'node:crypto';
import { formatRef } from '@ferry/shared';
import { KubeError, type KubeApi, type KubeObject } from '../kube/index.ts';
import { DEFAULT_RENDER_OPTIONS, render } from '../render/index.ts';
import { GITSYNC_API_VERSION, GITSYNC_GROUP, GITSYNC_KIND, GITSYNC_VERSION } from '../gitsync/types.ts';

export const BOOTSTRAP_KEY = 'gitsync.yaml';
export const BOOTSTRAP_DIGEST_ANNOTATION = 'ferry.dev/bootstrap-digest';
const BOOTSTRAP_MANAGER = 'ferry-bootstrap';

export type BootstrapResult =
  | { readonly action: 'created' | 'updated' | 'unchanged'; readonly name: string }
  /** No ConfigMap: the GitSync is managed some other way (by hand, or from Git). */
  | { readonly action: 'absent' }
  | { readonly action: 'invalid'; readonly message: string };

export interface BootstrapOptions {
  readonly namespace: string;
  readonly configMap: string;
  /** The GitSync's name when the ConfigMap's manifest names none. */
  readonly name: string;
}

export async function bootstrapGitSync(kube: KubeApi, options: BootstrapOptions): Promise<BootstrapResult> {
  const where = `ConfigMap ${options.namespace}/${options.configMap}`;
  const configMap = await kube.get({
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    namespace: options.namespace,
    name: options.configMap,
  });
  if (configMap === undefined) return { action: 'absent' };
  const text = (configMap.data as Record<string, unknown> | undefined)?.[BOOTSTRAP_KEY];
  if (typeof text !== 'string') return { action: 'invalid', message: `${where} has no key ${BOOTSTRAP_KEY}` };

  const rendered = render(
    [{ path: `${options.configMap}/${BOOTSTRAP_KEY}`, content: new TextEncoder().encode(text) }],
    { ...DEFAULT_RENDER_OPTIONS, targetNamespace: options.namespace },
  );
  if (!rendered.ok)
    return { action: 'invalid', message: `${where}: ${rendered.errors.map((e) => e.message).join('; ')}` };
  const [object, ...extra] = rendered.objects;
  if (object === undefined || extra.length > 0)
    return { action: 'invalid', message: `${where}: ${BOOTSTRAP_KEY} must hold exactly one GitSync` };
  const { ref, manifest } = object;
  if (ref.group !== GITSYNC_GROUP || ref.kind !== GITSYNC_KIND || ref.version !== GITSYNC_VERSION)
    return {
      action: 'invalid',
      message: `${where}: ${BOOTSTRAP_KEY} holds ${formatRef(ref)}, not a ${GITSYNC_API_VERSION} GitSync`,
    };
  if (ref.namespace !== options.namespace)
    return {
      action: 'invalid',
      message: `${where}: the GitSync must be in ${options.namespace}, not ${ref.namespace}`,
    };

  const digest = createHash('sha256').update(text).digest('hex').slice(0, 32);
  const live = await kube.get(ref);
  if (live?.metadata.annotations?.[BOOTSTRAP_DIGEST_ANNOTATION] === digest)
    return { action: 'unchanged', name: ref.name };
  const desired: KubeObject = {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: {
        ...(manifest.metadata.annotations as Record<string, string> | undefined),
        [BOOTSTRAP_DIGEST_ANNOTATION]: digest,
      },
    },
  };
  try {
    await kube.apply(desired, {
      fieldManager: BOOTSTRAP_MANAGER,
      force: true,
      dryRun: false,
      answer: 'metadata',
    });
  } catch (error) {
    if (error instanceof KubeError && (error.code === 'invalid' || error.code === 'unknown-kind'))
      return { action: 'invalid', message: `${where}: ${error.message}` };
    throw error;
  }
  return { action: live === undefined ? 'created' : 'updated', name: ref.name };
}
