import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import type { IgnoreRule } from '../gitsync/types.ts';
import { ignoredBy, parseIgnoreRules } from './ignore.ts';

const WEB: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const CONFIG: ObjectRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'web' };
const APP = '/spec/template/spec/containers[name=app]';

describe('ignoredBy', () => {
  const cases: { name: string; rule: IgnoreRule; ref: ObjectRef; path: string; ignored: boolean }[] = [
    {
      name: 'a pointer covers its own field',
      rule: { pointers: ['/spec/replicas'] },
      ref: WEB,
      path: '/spec/replicas',
      ignored: true,
    },
    {
      name: 'a pointer covers the fields under it',
      rule: { pointers: ['/spec/template'] },
      ref: WEB,
      path: `${APP}/image`,
      ignored: true,
    },
    {
      name: 'a pointer covers the items of the list it names',
      rule: { pointers: ['/spec/template/spec/containers'] },
      ref: WEB,
      path: APP,
      ignored: true,
    },
    {
      name: 'a pointer through a list item by key covers that item',
      rule: { pointers: [APP] },
      ref: WEB,
      path: `${APP}/image`,
      ignored: true,
    },
    {
      name: 'a pointer does not cover a sibling whose name it begins',
      rule: { pointers: ['/spec/replicas'] },
      ref: WEB,
      path: '/spec/replicasMax',
      ignored: false,
    },
    {
      name: 'a pointer does not cover another list item',
      rule: { pointers: [APP] },
      ref: WEB,
      path: '/spec/template/spec/containers[name=sidecar]/image',
      ignored: false,
    },
    {
      name: 'an escaped annotation key matches the path of that annotation',
      rule: { pointers: ['/metadata/annotations/ferry.dev~1digest'] },
      ref: WEB,
      path: '/metadata/annotations/ferry.dev~1digest',
      ignored: true,
    },
    {
      name: 'a rule with a kind selects only that kind',
      rule: { pointers: ['/data'], kind: 'Deployment' },
      ref: CONFIG,
      path: '/data/a',
      ignored: false,
    },
    {
      name: "'' as group selects the core group",
      rule: { pointers: ['/data'], group: '' },
      ref: CONFIG,
      path: '/data/a',
      ignored: true,
    },
    {
      name: 'a rule for a group selects no core object',
      rule: { pointers: ['/data'], group: 'apps' },
      ref: CONFIG,
      path: '/data/a',
      ignored: false,
    },
    {
      name: 'every selector field set must match',
      rule: {
        pointers: ['/spec/replicas'],
        group: 'apps',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'api',
      },
      ref: WEB,
      path: '/spec/replicas',
      ignored: false,
    },
    {
      name: 'a rule whose selector fields all match applies',
      rule: {
        pointers: ['/spec/replicas'],
        group: 'apps',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
      },
      ref: WEB,
      path: '/spec/replicas',
      ignored: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(ignoredBy([c.rule], c.ref, c.path), c.ignored);
    });
  }
  it('no rules ignore nothing; any one matching rule is enough', () => {
    assert.equal(ignoredBy([], WEB, '/spec/replicas'), false);
    const rules: IgnoreRule[] = [
      { pointers: ['/metadata'], kind: 'ConfigMap' },
      { pointers: ['/x', '/spec'] },
    ];
    assert.equal(ignoredBy(rules, WEB, '/spec/replicas'), true);
  });
});

const WHERE = 'spec.drift.ignore';

describe('parseIgnoreRules', () => {
  it('takes rules with pointers and any of group, kind, namespace, name', () => {
    const rules = [
      { pointers: ['/spec/replicas'], kind: 'Deployment' },
      {
        pointers: [
          '/metadata/annotations/ferry.dev~1digest',
          '/spec/template/spec/containers[name=app]/image',
        ],
      },
      { pointers: ['/data'], group: '', namespace: 'shop', name: 'web' },
    ];
    assert.deepEqual(parseIgnoreRules(rules, WHERE), rules);
  });
  it('takes no rules when there are none', () => {
    assert.deepEqual(parseIgnoreRules(undefined, WHERE), []);
    assert.deepEqual(parseIgnoreRules(null, WHERE), []);
    assert.deepEqual(parseIgnoreRules([], WHERE), []);
  });
  it('leaves out selector fields given as null', () => {
    assert.deepEqual(parseIgnoreRules([{ pointers: ['/a'], kind: null }], WHERE), [{ pointers: ['/a'] }]);
  });

  const refused: { name: string; value: unknown; message: string }[] = [
    {
      name: 'a map instead of a list',
      value: { pointers: ['/a'] },
      message: `${WHERE}: must be a list of rules`,
    },
    { name: 'a rule that is a string', value: ['/a'], message: `${WHERE}[0]: must be a map` },
    {
      name: 'a rule without pointers',
      value: [{ kind: 'Deployment' }],
      message: `${WHERE}[0].pointers: must be a non-empty list`,
    },
    {
      name: 'a rule with no pointer in its list',
      value: [{ pointers: [] }],
      message: `${WHERE}[0].pointers: must be a non-empty list`,
    },
    {
      name: 'a pointer without its leading slash',
      value: [{ pointers: ['/a'] }, { pointers: ['/b', 'spec/replicas'] }],
      message: `${WHERE}[1].pointers[1]: must start with "/"`,
    },
    {
      name: 'a pointer that is a number',
      value: [{ pointers: [3] }],
      message: `${WHERE}[0].pointers[0]: must be a string`,
    },
    {
      name: 'a pointer ending with a slash',
      value: [{ pointers: ['/spec/'] }],
      message: 'must not end with "/"',
    },
    {
      name: 'a pointer with an empty segment',
      value: [{ pointers: ['/spec//replicas'] }],
      message: 'empty segment',
    },
    {
      name: 'an unescaped tilde',
      value: [{ pointers: ['/metadata/annotations/a~b'] }],
      message: 'has a "~" not followed by 0 or 1',
    },
    {
      name: 'an unclosed list item',
      value: [{ pointers: ['/spec/containers[name=app/image'] }],
      message: 'has "[" without "]"',
    },
    {
      name: 'a stray closing bracket',
      value: [{ pointers: ['/spec/containers]'] }],
      message: 'has "]" without "["',
    },
    {
      name: 'a misspelt selector field',
      value: [{ pointers: ['/a'], Kind: 'Deployment' }],
      message: `${WHERE}[0].Kind: unknown field`,
    },
    {
      name: 'a selector field that is no string',
      value: [{ pointers: ['/a'], namespace: 3 }],
      message: `${WHERE}[0].namespace: must be a string`,
    },
    {
      name: 'an empty kind',
      value: [{ pointers: ['/a'], kind: '' }],
      message: `${WHERE}[0].kind: must not be empty`,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}, naming the field`, () => {
      assert.throws(
        () => parseIgnoreRules(c.value, WHERE),
        (error: unknown) => error instanceof Error && error.message.includes(c.message),
      );
    });
  }
});
