// The order of apply, as data: cluster definitions first (CRDs, Namespaces, cluster-wide RBAC and
// classes), then namespaced configuration (ServiceAccounts, RBAC, quotas, ConfigMaps, Secrets), then
// everything else by wave (`ferry.dev/wave`, or Argo CD's `argocd.argoproj.io/sync-wave`), lowest first.
// Waves order only the last group: definitions and configuration always come first.

export const WAVE_ANNOTATIONS = ['ferry.dev/wave', 'argocd.argoproj.io/sync-wave'] as const;

/** `group/Kind` of the kinds applied in the first stage, in this order of priority. */
const DEFINITIONS = [
  'apiextensions.k8s.io/CustomResourceDefinition',
  '/Namespace',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/StorageClass',
  'networking.k8s.io/IngressClass',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
];
const CONFIGURATION = [
  '/ServiceAccount',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  '/ResourceQuota',
  '/LimitRange',
  '/ConfigMap',
  '/Secret',
];

export interface StageItem {
  readonly group: string;
  readonly kind: string;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface Stage<T> {
  /** 'definitions', 'configuration', or 'wave N'. */
  readonly name: string;
  readonly items: readonly T[];
}

export type WaveResult = { readonly wave: number } | { readonly error: string };

/** The object's wave: 0 unless annotated; an annotation that is not an integer is an error. */
export function waveOf(annotations: Readonly<Record<string, string>> | undefined): WaveResult {
  for (const key of WAVE_ANNOTATIONS) {
    const value = annotations?.[key];
    if (value === undefined) continue;
    if (!/^[-+]?\d+$/.test(value.trim()))
      return { error: `annotation ${key}: ${JSON.stringify(value)} is not an integer` };
    return { wave: Number(value) };
  }
  return { wave: 0 };
}

/** Splits items into stages, keeping their order within each stage. Items with a bad wave go to errors. */
export function orderStages<T>(
  items: readonly T[],
  describe: (item: T) => StageItem,
): { stages: Stage<T>[]; errors: { item: T; error: string }[] } {
  const definitions: T[] = [];
  const configuration: T[] = [];
  const waves = new Map<number, T[]>();
  const errors: { item: T; error: string }[] = [];
  const keyOf = (item: T): string => `${describe(item).group}/${describe(item).kind}`;
  for (const item of items) {
    const key = keyOf(item);
    if (DEFINITIONS.includes(key)) definitions.push(item);
    else if (CONFIGURATION.includes(key)) configuration.push(item);
    else {
      const wave = waveOf(describe(item).annotations);
      if ('error' in wave) errors.push({ item, error: wave.error });
      else waves.set(wave.wave, [...(waves.get(wave.wave) ?? []), item]);
    }
  }
  definitions.sort((a, b) => DEFINITIONS.indexOf(keyOf(a)) - DEFINITIONS.indexOf(keyOf(b)));
  const stages: Stage<T>[] = [];
  if (definitions.length > 0) stages.push({ name: 'definitions', items: definitions });
  if (configuration.length > 0) stages.push({ name: 'configuration', items: configuration });
  for (const wave of [...waves.keys()].sort((a, b) => a - b))
    stages.push({ name: `wave ${wave}`, items: waves.get(wave) ?? [] });
  return { stages, errors };
}
