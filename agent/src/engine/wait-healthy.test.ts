import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { refKey, type ObjectRef } from '@ferry/shared';
import { parse } from 'yaml';
import type { KubeApi, KubeObject } from '../kube/index.ts';
import { refOf } from '../kube/index.ts';
import { notKnownCurrent, waitHealthy } from './wait-healthy.ts';

const fixture = (name: string): KubeObject =>
  parse(readFileSync(new URL(`../health/fixtures/${name}.yaml`, import.meta.url), 'utf8')) as KubeObject;
const available = fixture('deployment-available');
const progressing = fixture('deployment-progressing');
const configMap: ObjectRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'c' };
const other: ObjectRef = { ...refOf(available), name: 'not-known' };
const known = new Map([
  [refKey(refOf(available)), available],
  [refKey({ ...refOf(progressing), name: 'progressing' }), progressing],
]);
const progressingRef = { ...refOf(progressing), name: 'progressing' };

describe('health after a sync, with the live objects its plan read', () => {
  it('reads again only what is not known to be Current', () => {
    assert.deepEqual(notKnownCurrent([refOf(available), configMap, progressingRef, other], known), [
      progressingRef,
      other,
    ]);
    assert.deepEqual(notKnownCurrent([refOf(available), configMap], undefined), [
      refOf(available),
      configMap,
    ]);
  });

  it('is Current without a read when everything is known to be Current', async () => {
    const kube = new Proxy(
      {},
      {
        get: (_, name) => () => {
          throw new Error(`no request expected, got ${String(name)}`);
        },
      },
    ) as KubeApi;
    const health = await waitHealthy(kube, [refOf(available), configMap], 1_000, undefined, {
      owner: { namespace: 'ferry-system', name: 'ferry' },
      namespaces: [],
      known,
    });
    assert.deepEqual(health, { status: 'Current', message: '2 object(s) healthy' });
  });
});
