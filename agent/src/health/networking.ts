// Services and Ingresses (networking.k8s.io/v1 and v1beta1, extensions/v1beta1): Current once they can
// be reached. A LoadBalancer Service and an Ingress wait for their load balancer's address in
// `status.loadBalancer.ingress`; every other Service is Current once applied. A cluster without a
// load-balancer controller (or an ingress controller that does not publish an address) keeps them
// InProgress: that is the truth about reachability from outside, and what Argo CD reports too.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { current, inProgress, listAt, stringAt } from './rule.ts';

/** The first address (`ip` or `hostname`) in `status.loadBalancer.ingress`, or undefined. */
function loadBalancerAddress(object: KubeObject): string | undefined {
  for (const entry of listAt(object, 'status', 'loadBalancer', 'ingress')) {
    const address = stringAt(entry, 'ip') ?? stringAt(entry, 'hostname');
    if (address !== undefined) return address;
  }
  return undefined;
}

function awaitLoadBalancer(object: KubeObject): Health {
  const address = loadBalancerAddress(object);
  return address === undefined
    ? inProgress('waiting for a load balancer address')
    : current(`load balancer at ${address}`);
}

export function assessService(object: KubeObject): Health {
  const type = stringAt(object, 'spec', 'type') ?? 'ClusterIP';
  if (type === 'LoadBalancer') return awaitLoadBalancer(object);
  if (type === 'ExternalName') {
    return current(`ExternalName ${stringAt(object, 'spec', 'externalName') ?? ''}`.trimEnd());
  }
  const clusterIP = stringAt(object, 'spec', 'clusterIP');
  if (clusterIP === 'None') return current(`${type}, headless`);
  return current(clusterIP === undefined ? type : `${type} at ${clusterIP}`);
}

export function assessIngress(object: KubeObject): Health {
  return awaitLoadBalancer(object);
}
