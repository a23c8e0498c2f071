import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTH_STATUSES } from '../health.ts';
import {
  checkResources,
  HEALTH_MESSAGE_BOUNDS,
  isResourceSummary,
  REF_FIELD_BOUNDS,
  SUMMARY_KEYS,
} from './check-resources.ts';
import { objectRefSchema, resourceSummarySchema } from './common-schemas.ts';
import { resources } from './fixtures/messages.ts';
import { OBJECT_ACTIONS } from './vocabulary.ts';

/** A summary as it arrives: parsed from JSON text, so `__proto__` is an own key like any other. */
function fromJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

const valid = JSON.stringify(resources[0]);

describe('the fast check follows resourceSummarySchema', () => {
  // If one of these fails, the schema changed: change check-resources.ts to match, then this table.
  const shape = resourceSummarySchema.shape;
  it('knows every key of a summary, and which are optional', () => {
    assert.deepEqual(Object.keys(shape).sort(), [...SUMMARY_KEYS].sort());
    const optional = SUMMARY_KEYS.filter((key) => shape[key]._zod.optin === 'optional');
    assert.deepEqual(optional.sort(), ['healthMessage', 'lastAction']);
  });
  it('knows that summaries and refs are strict objects', () => {
    assert.equal(resourceSummarySchema.def.catchall?._zod.def.type, 'never');
    assert.equal(objectRefSchema.def.catchall?._zod.def.type, 'never');
  });
  it('reads the bounds of every ref field, and knows they are checked by length alone', () => {
    assert.deepEqual(Object.keys(objectRefSchema.shape).sort(), Object.keys(REF_FIELD_BOUNDS).sort());
    for (const [key, [min, max]] of Object.entries(REF_FIELD_BOUNDS)) {
      const field = objectRefSchema.shape[key as keyof typeof REF_FIELD_BOUNDS];
      assert.equal(field.minLength ?? 0, min, key);
      assert.equal(field.maxLength, max, key);
      assert.equal(field.def.checks?.length, 2, `${key}: a check besides min and max`);
    }
  });
  it('reads the bound of the health message, and knows it is checked by length alone', () => {
    const message = shape.healthMessage.unwrap();
    assert.equal(message.minLength ?? 0, HEALTH_MESSAGE_BOUNDS[0]);
    assert.equal(message.maxLength, HEALTH_MESSAGE_BOUNDS[1]);
    assert.equal(message.def.checks?.length, 2);
  });
  it('reads the health statuses, the actions and the boolean', () => {
    assert.deepEqual(shape.health.options, [...HEALTH_STATUSES]);
    assert.deepEqual(shape.lastAction.unwrap().options, [...OBJECT_ACTIONS]);
    assert.equal(shape.drifted.def.type, 'boolean');
  });
});

describe('isResourceSummary', () => {
  it('accepts the example summaries', () => {
    for (const resource of resources) assert.ok(isResourceSummary(fromJson(JSON.stringify(resource))));
  });
  it('refuses a __proto__ key rather than reading through it', () => {
    assert.ok(!isResourceSummary(fromJson(valid.replace('{', '{"__proto__":{"drifted":true},'))));
  });
  it('refuses a constructor key in the ref', () => {
    assert.ok(!isResourceSummary(fromJson(valid.replace('{"group"', '{"constructor":"x","group"'))));
  });
  it('refuses a null health message, since optional is not nullable', () => {
    assert.ok(!isResourceSummary({ ...resources[0], healthMessage: null }));
  });
  it('counts a surrogate pair as one character, as zod does', () => {
    const at = (name: string): unknown => ({ ...resources[1], ref: { ...resources[1].ref, name } });
    assert.ok(isResourceSummary(at('😀'.repeat(253))));
    assert.ok(!isResourceSummary(at('😀'.repeat(254))));
    assert.ok(!isResourceSummary(at('\ud800'.repeat(254))));
  });
});

describe('checkResources', () => {
  it('returns the array it was given, not a copy', () => {
    const items: unknown[] = fromJson(JSON.stringify(resources)) as unknown[];
    const checked = checkResources(items);
    assert.ok(checked.ok && checked.resources === items);
  });
  it('names the first item refused', () => {
    const items: unknown[] = [resources[0], resources[1], { ...resources[2], drifted: 'no' }, null];
    assert.deepEqual(checkResources(items), { ok: false, index: 2 });
  });
});
