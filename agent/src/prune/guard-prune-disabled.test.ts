import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { guardPruneDisabled } from './guard-prune-disabled.ts';

const DATA: ObjectRef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  namespace: 'shop',
  name: 'data',
};

function liveWith(annotations: Record<string, string> | undefined): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', annotations } };
}

describe('guard prune-disabled', () => {
  const cases: { name: string; live: KubeObject | undefined; keeps: RegExp | undefined }[] = [
    {
      name: 'an object annotated ferry.dev/prune: disabled is kept',
      live: liveWith({ 'ferry.dev/prune': 'disabled' }),
      keeps: /annotated ferry.dev\/prune: disabled/,
    },
    {
      name: "an object carrying Flux's prune: disabled annotation is kept",
      live: liveWith({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
      keeps: /annotated kustomize.toolkit.fluxcd.io\/prune: disabled/,
    },
    {
      name: 'an annotation spelled with capitals or spaces still keeps the object',
      live: liveWith({ 'ferry.dev/prune': ' Disabled ' }),
      keeps: /annotated ferry.dev\/prune/,
    },
    {
      name: 'an object annotated prune: enabled goes on to the next guard',
      live: liveWith({ 'ferry.dev/prune': 'enabled' }),
      keeps: undefined,
    },
    { name: 'an object with no annotations goes on', live: liveWith(undefined), keeps: undefined },
    { name: 'an absent object has no annotation to honour', live: undefined, keeps: undefined },
  ];
  for (const { name, live, keeps } of cases) {
    it(name, async () => {
      const reason = await guardPruneDisabled(DATA, { live: () => Promise.resolve(live) });
      if (keeps === undefined) assert.equal(reason, undefined);
      else assert.match(reason ?? '', keeps);
    });
  }

  it('an object that cannot be read is kept', async () => {
    const reason = await guardPruneDisabled(DATA, { live: () => Promise.reject(new Error('timeout')) });
    assert.match(reason ?? '', /cannot read it to check its annotations: timeout/);
  });
});
