// The fast path against zod: on the fixtures and on thousands of mutated summaries (seeded, so every
// run reads the same ones), isResourceSummary accepts exactly what resourceSummarySchema accepts, and
// parseAgentFrame answers exactly what parseAgentFrameByZod (every field by zod, as before) answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isResourceSummary } from './check-resources.ts';
import { resourceSummarySchema } from './common-schemas.ts';
import { agentExample, agentMessages, edited, REMOVE, resources } from './fixtures/messages.ts';
import { DEFAULT_LIMITS } from './negotiate.ts';
import { parseAgentFrame, parseAgentFrameByZod, type ParseOptions } from './parse-frame.ts';

const options: ParseOptions = { maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes, version: 1 };

/** mulberry32: a small seeded PRNG, so the mutations are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

/** Where a mutation lands: the summary itself, one of its fields, or one of its ref's. */
const SLOTS = [
  '',
  'ref',
  'health',
  'healthMessage',
  'lastAction',
  'drifted',
  'ref.group',
  'ref.version',
  'ref.kind',
  'ref.namespace',
  'ref.name',
] as const;

/** Strings one character over, at and under every bound, counted in units and in code points. */
function boundaryStrings(): string[] {
  const out: string[] = [];
  for (const bound of [1, 63, 253, 256]) {
    for (const length of [bound - 1, bound, bound + 1]) {
      out.push('a'.repeat(length), 'é'.repeat(length), '😀'.repeat(length), '\ud800'.repeat(length));
      out.push(`${'a'.repeat(Math.max(0, length - 1))}😀`, `${'😀'.repeat(Math.max(0, length - 1))}\udc00`);
    }
  }
  return out;
}

/** Every value a slot is set to (REMOVE deletes it). */
const VALUES: readonly (Json | typeof REMOVE)[] = [
  REMOVE,
  null,
  0,
  1,
  -1,
  1.5,
  true,
  false,
  '',
  'x',
  ' ',
  [],
  ['x'],
  {},
  { x: 1 },
  'Current',
  'current',
  'Current ',
  'InProgress',
  'Failed',
  'Terminating',
  'Unknown',
  'configured',
  'unchanged',
  'planned',
  'failed',
  '__proto__',
  'constructor',
  'v1',
  'apps',
  'Deployment',
  'ünïcødé ✓',
  '\udc00\ud800',
  [{ ...resources[0].ref }],
  { ...resources[0].ref },
  { ...resources[0].ref, extra: 'x' },
  { ...resources[0] },
  ...boundaryStrings(),
];

/** Keys a summary or a ref must not have, some of them names that live on Object.prototype. */
const UNKNOWN_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'extra', 'Ref', 'ref ', ''];

type Mutation = (summary: JsonObject) => Json;

function setSlot(slot: (typeof SLOTS)[number], value: Json | typeof REMOVE): Mutation {
  return (summary) => {
    if (slot === '') return value === REMOVE ? null : value;
    const [head, tail] = slot.split('.') as [string, string | undefined];
    let node: JsonObject = summary;
    if (tail !== undefined) {
      const ref = summary[head];
      if (typeof ref !== 'object' || ref === null || Array.isArray(ref)) return summary;
      node = ref;
    }
    const key = tail ?? head;
    if (value === REMOVE) Reflect.deleteProperty(node, key);
    else node[key] = value;
    return summary;
  };
}

/** Adds an own key (defineProperty, so that `__proto__` is a key and not the prototype). */
function addKey(inRef: boolean, key: string, value: Json): Mutation {
  return (summary) => {
    const node = inRef ? summary.ref : summary;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return summary;
    Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
    return summary;
  };
}

/** Every single mutation, in a fixed order. */
function singleMutations(): Mutation[] {
  const out: Mutation[] = [];
  for (const slot of SLOTS) for (const value of VALUES) out.push(setSlot(slot, value));
  for (const key of UNKNOWN_KEYS) {
    for (const value of [1, 'x', null, {}] as Json[])
      out.push(addKey(false, key, value), addKey(true, key, value));
  }
  return out;
}

/**
 * The summaries to compare on, as JSON text: every single mutation of each example, then `random`
 * more of one to three mutations each.
 */
function mutatedSummaries(random: number, seed: number): string[] {
  const next = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const singles = singleMutations();
  const apply = (base: object, mutations: readonly Mutation[]): string => {
    let value: Json = JSON.parse(JSON.stringify(base)) as Json;
    for (const mutation of mutations) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) value = mutation(value);
    }
    return JSON.stringify(value);
  };
  const out: string[] = [];
  for (const base of resources) for (const mutation of singles) out.push(apply(base, [mutation]));
  for (let i = 0; i < random; i++) {
    const count = 1 + Math.floor(next() * 3);
    out.push(
      apply(
        pick(resources),
        Array.from({ length: count }, () => pick(singles)),
      ),
    );
  }
  return out;
}

const SUMMARIES = mutatedSummaries(3000, 0x5eed);

/** A snapshot or delta frame with `items` (JSON texts) among the example summaries, at `at`. */
function frameWith(type: 'snapshot' | 'delta', items: readonly string[], at: number): string {
  const message = agentExample(type);
  const examples = resources.map((resource) => JSON.stringify(resource));
  const list = [...examples.slice(0, at), ...items, ...examples.slice(at)].join(',');
  const field = type === 'snapshot' ? 'resources' : 'upserts';
  return edited(message, { [`body.${field}`]: [] }).replace(`"${field}":[]`, `"${field}":[${list}]`);
}

function assertSameParse(text: string): void {
  assert.deepStrictEqual(parseAgentFrame(text, options), parseAgentFrameByZod(text, options), text);
}

describe('isResourceSummary against resourceSummarySchema', () => {
  it(`accepts exactly what zod accepts, on ${SUMMARIES.length} mutated summaries`, () => {
    let accepted = 0;
    for (const text of SUMMARIES) {
      const value = JSON.parse(text) as unknown;
      const byZod = resourceSummarySchema.safeParse(value);
      assert.equal(isResourceSummary(value), byZod.success, text);
      if (byZod.success) {
        // No default and no transform: what passes is what zod would have returned.
        assert.deepStrictEqual(value, byZod.data, text);
        accepted++;
      }
    }
    // The mutations reach both sides, and mostly the refusing one.
    assert.ok(accepted > 200 && SUMMARIES.length - accepted > 2000, `accepted ${accepted}`);
  });
});

describe('parseAgentFrame against the zod-only parse', () => {
  it('reads every example message the same way', () => {
    for (const message of agentMessages) assertSameParse(JSON.stringify(message));
  });
  it('gives the same answer for snapshots and deltas that carry one mutated summary', () => {
    const next = prng(0xf00d);
    for (const [index, text] of SUMMARIES.entries()) {
      const type = index % 2 === 0 ? 'snapshot' : 'delta';
      assertSameParse(frameWith(type, [text], Math.floor(next() * (resources.length + 1))));
    }
  });
  it('gives the same answer, every issue listed, when several summaries are wrong', () => {
    const next = prng(0xbeef);
    const pick = (): string => SUMMARIES[Math.floor(next() * SUMMARIES.length)] ?? '';
    for (let i = 0; i < 300; i++) {
      assertSameParse(frameWith(i % 2 === 0 ? 'snapshot' : 'delta', [pick(), pick(), pick(), pick()], 1));
    }
  });
  it('gives the same answer when the body around the summaries is wrong', () => {
    const snapshot = agentExample('snapshot');
    const delta = agentExample('delta');
    const badItem = { ...resources[0], drifted: 'yes' };
    const frames = [
      edited(snapshot, { 'body.chunk': 1 }),
      edited(snapshot, { 'body.chunk': 1, 'body.resources.1': badItem }),
      edited(snapshot, { 'body.chunks': 0 }),
      edited(snapshot, { 'body.digest': 'sha256:0' }),
      edited(snapshot, { 'body.snapshotId': '' }),
      edited(snapshot, { 'body.snapshotId': REMOVE, 'body.resources.0': badItem }),
      edited(snapshot, { 'body.extra': 1 }),
      edited(snapshot, { 'body.resources': null }),
      edited(snapshot, { 'body.resources': {} }),
      edited(snapshot, { 'body.resources': 'x' }),
      edited(snapshot, { 'body.resources': REMOVE }),
      edited(snapshot, { body: [] }),
      edited(snapshot, { seq: 0, 'body.resources.2': null }),
      edited(snapshot, { epoch: 'e', extra: true }),
      edited(delta, { 'body.upserts': REMOVE }),
      edited(delta, { 'body.upserts': [null] }),
      edited(delta, { 'body.removals': [badItem] }),
      edited(delta, { 'body.digest': null }),
      edited(delta, { 'body.removals.0.name': '', 'body.upserts.0.health': 'ok' }),
      edited(snapshot, { 'body.resources': [] }),
      edited(delta, { 'body.upserts': [], 'body.digest': REMOVE }),
    ];
    for (const text of frames) assertSameParse(text);
  });
  it('gives the same answer at the bound on the number of summaries, and one over it', () => {
    const item = resources[1];
    for (const count of [10_000, 10_001]) {
      const text = edited(agentExample('snapshot'), {
        'body.resources': Array.from({ length: count }, () => item),
      });
      const big = { maxFrameBytes: 4 * text.length, version: 1 };
      assert.deepStrictEqual(parseAgentFrame(text, big), parseAgentFrameByZod(text, big));
    }
  });
  it('takes the summaries of a valid snapshot as parsed, without a copy', () => {
    // zod writes its copy in the schema's key order; the parsed JSON keeps the order it was sent in.
    const sent = {
      drifted: false,
      health: 'Current',
      ref: { name: 'api', kind: 'Service', version: 'v1', namespace: 'web', group: '' },
    };
    const text = frameWith('snapshot', [JSON.stringify(sent)], 0);
    const fast = parseAgentFrame(text, options);
    const byZod = parseAgentFrameByZod(text, options);
    assert.ok(fast.ok && fast.message.type === 'snapshot' && byZod.ok && byZod.message.type === 'snapshot');
    assert.deepStrictEqual(fast.message, byZod.message);
    assert.deepEqual(Object.keys(fast.message.body.resources[0] ?? {}), ['drifted', 'health', 'ref']);
    assert.deepEqual(Object.keys(byZod.message.body.resources[0] ?? {}), ['ref', 'health', 'drifted']);
  });
});
