// PersistentVolumeClaims and Namespaces: kinds whose `status.phase` says it all. A claim is Current
// once Bound, InProgress while Pending (including a WaitForFirstConsumer claim no pod uses yet: the
// claim alone cannot tell), Failed once Lost. A Namespace is Current while Active; a Terminating one is
// normally caught earlier by its deletionTimestamp. A phase Kubernetes does not define is Unknown.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { current, failed, inProgress, stringAt } from './rule.ts';

function unknownPhase(phase: string): Health {
  return { status: 'Unknown', message: `unknown phase "${phase}"` };
}

export function assessPersistentVolumeClaim(object: KubeObject): Health {
  const phase = stringAt(object, 'status', 'phase');
  const volume = stringAt(object, 'spec', 'volumeName');
  switch (phase) {
    case 'Bound':
      return current(volume === undefined ? 'bound' : `bound to volume ${volume}`);
    case 'Pending':
    case undefined:
      return inProgress('waiting for a volume to bind');
    case 'Lost':
      return failed(volume === undefined ? 'volume lost' : `volume ${volume} lost`);
    default:
      return unknownPhase(phase);
  }
}

export function assessNamespace(object: KubeObject): Health {
  const phase = stringAt(object, 'status', 'phase');
  switch (phase) {
    case 'Active':
      return current('active');
    case 'Terminating':
      return { status: 'Terminating', message: 'being deleted' };
    case undefined:
      return inProgress('waiting to become Active');
    default:
      return unknownPhase(phase);
  }
}
