// ConfigMaps as the engine and runtime tests name them: discovery's answer for the kind and a ref.
import type { ObjectRef } from '@ferry/shared';
import type { ResourceInfo } from '../types.ts';

/** Discovery's answer for ConfigMaps, a new object each call (a test may need a second answer). */
export const configMapInfo = (): ResourceInfo => ({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  verbs: ['get', 'list', 'watch'],
});

export const configMapRef = (name: string, namespace = 'n'): ObjectRef => ({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  namespace,
  name,
});
