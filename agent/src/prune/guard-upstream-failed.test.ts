import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardUpstreamFailed } from './guard-upstream-failed.ts';
import type { UpstreamStage } from './types.ts';

describe('guard upstream-failed', () => {
  const cases: { name: string; failed: UpstreamStage | undefined; blocks: RegExp | undefined }[] = [
    { name: 'a sync whose fetch failed prunes nothing', failed: 'fetch', blocks: /the fetch stage failed/ },
    {
      name: 'a sync whose render failed prunes nothing',
      failed: 'render',
      blocks: /the render stage failed/,
    },
    { name: 'a sync whose plan failed prunes nothing', failed: 'plan', blocks: /the plan stage failed/ },
    {
      name: 'a sync where any apply failed prunes nothing',
      failed: 'apply',
      blocks: /the apply stage failed/,
    },
    { name: 'a sync that got through every stage may prune', failed: undefined, blocks: undefined },
  ];
  for (const { name, failed, blocks } of cases) {
    it(name, () => {
      const reason = guardUpstreamFailed({ upstreamFailed: failed });
      if (blocks === undefined) assert.equal(reason, undefined);
      else assert.match(reason ?? '', blocks);
    });
  }
});
