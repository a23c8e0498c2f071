import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectTag } from './select-tag.ts';

const TAGS = ['v1.0.0', 'v1.2.0', '1.2.5', 'v1.10.0', 'v2.0.0', 'v2.1.0-rc.1', 'latest', 'release-3'];

describe('selectTag', () => {
  it('picks the highest tag in the range, numerically (1.10 > 1.2)', () => {
    assert.deepEqual(selectTag(TAGS, '1.x'), { tag: 'v1.10.0', version: '1.10.0' });
  });
  it('honours compound ranges', () => {
    assert.deepEqual(selectTag(TAGS, '>=1.2.0 <1.3'), { tag: '1.2.5', version: '1.2.5' });
  });
  it('skips pre-releases unless the range asks for them', () => {
    assert.deepEqual(selectTag(TAGS, '>=2.0.0'), { tag: 'v2.0.0', version: '2.0.0' });
    assert.deepEqual(selectTag(TAGS, '>=2.1.0-rc.0'), { tag: 'v2.1.0-rc.1', version: '2.1.0-rc.1' });
  });
  it('ignores tags that are not versions and answers undefined when nothing matches', () => {
    assert.equal(selectTag(TAGS, '>=3'), undefined);
    assert.equal(selectTag(['latest', 'release-3'], '*'), undefined);
  });
  it('chooses one tag stably when two name the same version', () => {
    assert.deepEqual(selectTag(['v1.0.0', '1.0.0'], '1.x'), { tag: '1.0.0', version: '1.0.0' });
    assert.deepEqual(selectTag(['1.0.0', 'v1.0.0'], '1.x'), { tag: '1.0.0', version: '1.0.0' });
  });
});
