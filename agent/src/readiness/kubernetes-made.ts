// What Kubernetes makes by itself in a namespace, which a rebuilt cluster makes again: never counted.
// Each rule is named and small; the first that matches says why an object is left out.
import type { ObjectRef } from '@ferry/shared';
import type { OwnershipIndex, SeenObject } from './managed-owner.ts';

/** Kinds never counted, nor listed by the scanner: `group/Kind`. */
export const IGNORED_KINDS: ReadonlySet<string> = new Set([
  '/Event',
  'events.k8s.io/Event',
  'coordination.k8s.io/Lease',
]);

export const isIgnoredKind = (ref: Pick<ObjectRef, 'group' | 'kind'>): boolean =>
  IGNORED_KINDS.has(`${ref.group}/${ref.kind}`);

export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

export interface MadeContext {
  readonly ownership: OwnershipIndex;
  /** `namespace/name` of the Services Git describes. */
  readonly managedServices: ReadonlySet<string>;
}

export interface MadeRule {
  readonly name: string;
  readonly matches: (seen: SeenObject, context: MadeContext) => boolean;
}

const is = (seen: SeenObject, group: string, kind: string): boolean =>
  seen.refs.some((ref) => ref.group === group && ref.kind === kind);

const service = (seen: SeenObject, name: string): string => `${seen.object.metadata.namespace ?? ''}/${name}`;

export const KUBERNETES_MADE_RULES: readonly MadeRule[] = [
  {
    name: 'ignored-kind',
    matches: (seen) => seen.refs.some(isIgnoredKind),
  },
  {
    name: 'default-service-account',
    matches: (seen) => is(seen, '', 'ServiceAccount') && seen.object.metadata.name === 'default',
  },
  {
    name: 'root-ca-configmap',
    matches: (seen) => is(seen, '', 'ConfigMap') && seen.object.metadata.name === ROOT_CA_CONFIGMAP,
  },
  {
    // Metadata lists carry no `type`: the token controller's annotation names the ServiceAccount.
    name: 'service-account-token',
    matches: (seen) =>
      is(seen, '', 'Secret') &&
      (seen.object.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] ?? '') !== '',
  },
  {
    // Endpoints carry no owner: they share their Service's name.
    name: 'service-endpoints',
    matches: (seen, context) =>
      is(seen, '', 'Endpoints') && context.managedServices.has(service(seen, seen.object.metadata.name)),
  },
  {
    name: 'service-endpoint-slice',
    matches: (seen, context) => {
      if (!is(seen, 'discovery.k8s.io', 'EndpointSlice')) return false;
      const name = seen.object.metadata.labels?.[SERVICE_NAME_LABEL];
      return name !== undefined && context.managedServices.has(service(seen, name));
    },
  },
  {
    // ReplicaSets, Pods, ControllerRevisions, Jobs... of objects Git describes, through any chain.
    name: 'owned-by-managed',
    matches: (seen, context) => context.ownership.ownedByManaged(seen),
  },
];

/** The name of the first rule that says Kubernetes made the object, or undefined. */
export function madeByKubernetes(seen: SeenObject, context: MadeContext): string | undefined {
  return KUBERNETES_MADE_RULES.find((rule) => rule.matches(seen, context))?.name;
}

/** `namespace/name` of the Services among the managed refs. */
export function managedServices(managed: readonly ObjectRef[]): Set<string> {
  return new Set(
    managed
      .filter((ref) => ref.group === '' && ref.kind === 'Service')
      .map((ref) => `${ref.namespace}/${ref.name}`),
  );
}
