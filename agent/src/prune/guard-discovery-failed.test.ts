import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import { guardDiscoveryFailed } from './guard-discovery-failed.ts';
import { discoveryKey } from './kinds.ts';

const WIDGET: ObjectRef = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  namespace: 'shop',
  name: 'w',
};
const CONFIG: ObjectRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'c' };

describe('guard discovery-failed', () => {
  const cases: { name: string; ref: ObjectRef; failed: string[]; keeps: boolean }[] = [
    {
      name: 'an object of a kind whose discovery failed is kept',
      ref: WIDGET,
      failed: ['example.com/Widget'],
      keeps: true,
    },
    {
      name: 'a core object is kept when core discovery failed',
      ref: CONFIG,
      failed: ['/ConfigMap'],
      keeps: true,
    },
    {
      name: 'an object of another kind goes on to the next guard',
      ref: CONFIG,
      failed: ['example.com/Widget'],
      keeps: false,
    },
    {
      name: 'the same kind name in another group is not confused with it',
      ref: { ...WIDGET, group: 'other.io' },
      failed: ['example.com/Widget'],
      keeps: false,
    },
  ];
  for (const { name, ref, failed, keeps } of cases) {
    it(name, () => {
      const reason = guardDiscoveryFailed(ref, { failedDiscoveryKinds: new Set(failed) });
      if (keeps) assert.match(reason ?? '', new RegExp(`discovery of ${discoveryKey(ref)} failed`));
      else assert.equal(reason, undefined);
    });
  }
});
