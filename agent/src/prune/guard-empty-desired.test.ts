import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import { guardEmptyDesired } from './guard-empty-desired.ts';

const WEB: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const DB: ObjectRef = { ...WEB, name: 'db' };

describe('guard empty-desired', () => {
  const cases: {
    name: string;
    desired: ObjectRef[];
    inventory: ObjectRef[];
    allowEmpty: boolean;
    blocks: boolean;
  }[] = [
    {
      name: 'a revision that renders nothing deletes nothing of a non-empty inventory',
      desired: [],
      inventory: [WEB, DB],
      allowEmpty: false,
      blocks: true,
    },
    {
      name: 'an empty revision prunes everything when the policy explicitly allows it',
      desired: [],
      inventory: [WEB, DB],
      allowEmpty: true,
      blocks: false,
    },
    {
      name: 'an empty revision over an empty inventory has nothing to block',
      desired: [],
      inventory: [],
      allowEmpty: false,
      blocks: false,
    },
    {
      name: 'a revision with one object left is not empty',
      desired: [WEB],
      inventory: [WEB, DB],
      allowEmpty: false,
      blocks: false,
    },
  ];
  for (const { name, blocks, ...ctx } of cases) {
    it(name, () => {
      const reason = guardEmptyDesired(ctx);
      if (blocks) assert.match(reason ?? '', /renders no objects while the inventory holds 2/);
      else assert.equal(reason, undefined);
    });
  }
});
