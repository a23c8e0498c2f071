import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { KubeObject } from '../kube/types.ts';
import { ALREADY_ABSENT, guardNotOurs } from './guard-not-ours.ts';

const WEB: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const OWNER = { namespace: 'ferry-system', name: 'shop' };

function liveWith(labels: Record<string, string> | undefined): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', labels } };
}

const OURS = { 'ferry.dev/sync-namespace': 'ferry-system', 'ferry.dev/sync-name': 'shop' };

describe('guard not-ours', () => {
  const cases: { name: string; live: () => Promise<KubeObject | undefined>; keeps: RegExp | undefined }[] = [
    {
      name: 'an object carrying both labels naming this GitSync is deleted',
      live: () => Promise.resolve(liveWith(OURS)),
      keeps: undefined,
    },
    {
      name: 'an object already gone is dropped from the delete list as already absent',
      live: () => Promise.resolve(undefined),
      keeps: new RegExp(`^${ALREADY_ABSENT}$`),
    },
    {
      name: 'an object relabelled by someone else is kept',
      live: () => Promise.resolve(liveWith({ ...OURS, 'ferry.dev/sync-name': 'payments' })),
      keeps: /name GitSync ferry-system\/payments, not ferry-system\/shop/,
    },
    {
      name: 'an object owned by a GitSync of the same name in another namespace is kept',
      live: () => Promise.resolve(liveWith({ ...OURS, 'ferry.dev/sync-namespace': 'team-b' })),
      keeps: /name GitSync team-b\/shop/,
    },
    {
      name: 'an object whose ownership labels were removed is kept',
      live: () => Promise.resolve(liveWith({ app: 'web' })),
      keeps: /lacks Ferry's ownership labels ferry.dev\/sync-namespace, ferry.dev\/sync-name/,
    },
    {
      name: 'an object with no labels at all is kept',
      live: () => Promise.resolve(liveWith(undefined)),
      keeps: /lacks Ferry's ownership labels/,
    },
    {
      name: 'an object missing one of the two labels is kept',
      live: () => Promise.resolve(liveWith({ 'ferry.dev/sync-namespace': 'ferry-system' })),
      keeps: /lacks Ferry's ownership label ferry.dev\/sync-name$/,
    },
    {
      name: 'an object that cannot be read is kept, with the error',
      live: () => Promise.reject(new Error('deployments.apps "web" is forbidden')),
      keeps: /cannot read it to check its owner: deployments.apps "web" is forbidden/,
    },
  ];
  for (const { name, live, keeps } of cases) {
    it(name, async () => {
      const reason = await guardNotOurs(WEB, { live, owner: OWNER });
      if (keeps === undefined) assert.equal(reason, undefined);
      else assert.match(reason ?? '', keeps);
    });
  }
});
