// CustomResourceDefinitions and APIServices: the objects that add APIs to the server. A CRD is Current
// once Established, and Failed when its names were refused (NamesAccepted=False: a plural or kind
// another CRD already uses); until then it is installing. An APIService is Current once Available; an
// unavailable one (FailedDiscoveryCheck, MissingEndpoints) is InProgress, since its backing Service is
// usually still starting, and its condition's reason says what is awaited.
import type { Health } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { conditionOf, current, describeCondition, failed, inProgress, stringAt } from './rule.ts';

export function assessCustomResourceDefinition(object: KubeObject): Health {
  const namesAccepted = conditionOf(object, 'NamesAccepted');
  if (namesAccepted?.status === 'False') {
    return failed(`names not accepted: ${describeCondition(namesAccepted)}`);
  }
  const established = conditionOf(object, 'Established');
  if (established?.status === 'True') {
    const plural = stringAt(object, 'spec', 'names', 'plural');
    const group = stringAt(object, 'spec', 'group');
    return plural === undefined || group === undefined
      ? current('established')
      : current(`established: serving ${plural}.${group}`);
  }
  return established === undefined
    ? inProgress('waiting to be established')
    : inProgress(`waiting to be established: ${describeCondition(established)}`);
}

export function assessAPIService(object: KubeObject): Health {
  const available = conditionOf(object, 'Available');
  if (available === undefined) return inProgress('waiting for the Available condition');
  if (available.status === 'True') {
    return current(available.reason === '' ? 'available' : `available (${available.reason})`);
  }
  return inProgress(`waiting to be available: ${describeCondition(available)}`);
}
