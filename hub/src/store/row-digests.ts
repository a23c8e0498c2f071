// What the hub holds of each cluster's stored resources, as numbers: per row, a 53-bit hash of its
// identity (group, kind, namespace, name) and one of the rest (version, health, last action, drift).
// A full snapshot mostly repeats the stored rows; comparing its hashes with these finds the few rows to
// write without reading the cluster's rows back from SQLite (which was most of a snapshot's cost).
//
// The digests are a cache of what this connection wrote, never a source of truth: whoever writes a
// cluster's rows another way forgets its entry (forgetRowDigests), a failed transaction forgets them
// all, and a snapshot the digests cannot settle (a row that vanished, two identities with one hash) is
// compared the slow way, against the rows themselves. 16 bytes per row, off the JS heap (typed arrays):
// some 32 MB for 10,000 clusters of 200 resources.
import type { ObjectRef } from '@ferry/shared';
import type { Db } from './sqlite.ts';
import type { ResourceRecord } from './types.ts';

/** A cluster's rows: the identity hash of each, and the rest's hash of each, aligned. */
export interface RowDigests {
  readonly ids: Float64Array;
  readonly rests: Float64Array;
}

/** A snapshot's rows as digests: which of its resources each one is, and where each identity sits. */
export interface SnapshotDigests extends RowDigests {
  /** The resource (index into the snapshot) of each digest: the last of a repeated ref. */
  readonly sources: Int32Array;
  readonly positions: ReadonlyMap<number, number>;
}

export type DigestPlan =
  /** Write these resources (indexes into the snapshot); every other stored row is unchanged. */
  | { readonly kind: 'write'; readonly write: readonly number[]; readonly unchanged: number }
  /** Some stored row is not in the snapshot: the digests cannot name it, the rows must be read. */
  | { readonly kind: 'vanished' };

const caches = new WeakMap<Db, Map<number, RowDigests>>();

/** The digests this connection keeps, by cluster id. */
export function rowDigests(db: Db): Map<number, RowDigests> {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/** A cluster's rows were written another way (a delta, a drift flag): its digests no longer hold. */
export function forgetRowDigests(db: Db, clusterId?: number): void {
  if (clusterId === undefined) caches.get(db)?.clear();
  else caches.get(db)?.delete(clusterId);
}

/** The most upserts and deletes a delta may carry for the digests to follow it; beyond, they are forgotten. */
const DELTA_FOLLOW_MAX = 64;

/**
 * A delta moved a cluster's rows (each upsert replaces its row whole, each delete removes one): its
 * digests, when kept, follow. Deltas come between full reports; forgetting the digests on each would
 * send most snapshots the slow way.
 */
export function followDelta(
  db: Db,
  clusterId: number,
  upserts: readonly ResourceRecord[],
  deletes: readonly ObjectRef[],
): void {
  const cache = caches.get(db);
  const held = cache?.get(clusterId);
  if (cache === undefined || held === undefined) return;
  if (upserts.length + deletes.length > DELTA_FOLLOW_MAX) {
    cache.delete(clusterId);
    return;
  }
  let { ids, rests } = held;
  for (const resource of upserts) {
    const id = identityHash(resource);
    const at = ids.indexOf(id);
    if (at >= 0) {
      rests[at] = restHash(resource);
      continue;
    }
    const grownIds = new Float64Array(ids.length + 1);
    const grownRests = new Float64Array(ids.length + 1);
    grownIds.set(ids);
    grownRests.set(rests);
    grownIds[ids.length] = id;
    grownRests[ids.length] = restHash(resource);
    ids = grownIds;
    rests = grownRests;
  }
  for (const ref of deletes) {
    const at = ids.indexOf(identityHash({ ref }));
    if (at < 0) continue;
    ids = Float64Array.of(...ids.subarray(0, at), ...ids.subarray(at + 1));
    rests = Float64Array.of(...rests.subarray(0, at), ...rests.subarray(at + 1));
  }
  // The common delta moves rows in place: the held arrays stay, and nothing new is kept (a holder per
  // delta lived until the cluster's next one, promoted by the thousand).
  if (ids !== held.ids || rests !== held.rests) cache.set(clusterId, { ids, rests });
}

// Two independent 32-bit lanes (FNV-1a, and a multiply-add with another seed), each finished by
// murmur3's fmix32, joined into 53 bits: two different rows share a hash with a chance of about 2^-53.
// Each field is fed with its length first, so that no two different lists of fields feed the same
// sequence. The lanes live in a typed array (no boxed numbers): this runs for every resource of every
// full report.
const FNV_PRIME = 0x01000193;
const MIX = 0x5bd1e995;
/** Fed for an absent last action: a length no string has. */
const ABSENT = 0x7fffffff;
const lanes = new Int32Array(2);

function begin(): void {
  lanes[0] = 0x811c9dc5;
  lanes[1] = 0x9747b28c;
}

function feed(field: string | undefined): void {
  const length = field === undefined ? ABSENT : field.length;
  let a = Math.imul((lanes[0] as number) ^ length, FNV_PRIME);
  let b = Math.imul((lanes[1] as number) + length, MIX);
  if (field !== undefined) {
    for (let i = 0; i < field.length; i++) {
      const c = field.charCodeAt(i);
      a = Math.imul(a ^ c, FNV_PRIME);
      b = Math.imul(b + c, MIX);
    }
  }
  lanes[0] = a;
  lanes[1] = b;
}

/** murmur3's finish: every input bit moves every output bit. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function end(): number {
  return fmix(lanes[0] as number) * 0x200000 + (fmix(lanes[1] as number) >>> 11);
}

function identityHash({ ref }: { readonly ref: ObjectRef }): number {
  begin();
  feed(ref.group);
  feed(ref.kind);
  feed(ref.namespace);
  feed(ref.name);
  return end();
}

function restHash(resource: ResourceRecord): number {
  const { ref, health } = resource;
  begin();
  feed(ref.version);
  feed(health.status);
  feed(health.message);
  feed(resource.lastAction);
  feed(resource.drifted ? '1' : '0');
  return end();
}

/** Where a hash is looked up: its top 30 bits, a small integer (a Map keyed by doubles boxes each one). */
function slotOf(hash: number): number {
  return Math.floor(hash / 0x800000);
}

function sameIdentity(a: ResourceRecord, b: ResourceRecord): boolean {
  return (
    a.ref.group === b.ref.group &&
    a.ref.kind === b.ref.kind &&
    a.ref.namespace === b.ref.namespace &&
    a.ref.name === b.ref.name
  );
}

/**
 * A snapshot's digests; a ref given twice counts once, the later one (as a replace would have it).
 * Undefined when two different identities share a hash: such a snapshot is compared against the rows
 * themselves, and no digests are kept for it.
 */
export function digestSnapshot(resources: readonly ResourceRecord[]): SnapshotDigests | undefined {
  const positions = new Map<number, number>();
  const ids = new Float64Array(resources.length);
  const sources = new Int32Array(resources.length);
  let count = 0;
  for (let index = 0; index < resources.length; index++) {
    const resource = resources[index] as ResourceRecord;
    const id = identityHash(resource);
    const slot = slotOf(id);
    const at = positions.get(slot);
    if (at === undefined) {
      positions.set(slot, count);
      ids[count] = id;
      sources[count] = index;
      count += 1;
    } else if (ids[at] === id && sameIdentity(resources[sources[at] as number] as ResourceRecord, resource)) {
      sources[at] = index;
    } else {
      // Two identities in one slot (about 1 snapshot of 200 resources in 50,000), or one hash.
      return undefined;
    }
  }
  const rests = new Float64Array(count);
  for (let at = 0; at < count; at++) rests[at] = restHash(resources[sources[at] as number] as ResourceRecord);
  return { ids: ids.slice(0, count), rests, sources: sources.subarray(0, count), positions };
}

/** What a snapshot changes against the stored rows' digests. */
export function planWrites(stored: RowDigests, snapshot: SnapshotDigests): DigestPlan {
  const same = new Uint8Array(snapshot.ids.length);
  let unchanged = 0;
  for (let s = 0; s < stored.ids.length; s++) {
    const id = stored.ids[s] as number;
    const at = snapshot.positions.get(slotOf(id));
    if (at === undefined || snapshot.ids[at] !== id) return { kind: 'vanished' };
    if (stored.rests[s] === snapshot.rests[at]) {
      same[at] = 1;
      unchanged += 1;
    }
  }
  const write: number[] = [];
  for (let at = 0; at < same.length; at++) if (same[at] === 0) write.push(snapshot.sources[at] as number);
  return { kind: 'write', write, unchanged };
}

/**
 * Keeps what a stored snapshot's digests say of the cluster's rows (not the sources). Into the arrays
 * already held when the count of rows is the same (most full reports): a new pair per report would live
 * until the cluster's next one, minutes later, and be promoted, hundreds of them a second in a burst.
 */
export function keepDigests(
  cache: Map<number, RowDigests>,
  clusterId: number,
  snapshot: SnapshotDigests,
): void {
  const held = cache.get(clusterId);
  if (held !== undefined && held.ids.length === snapshot.ids.length) {
    held.ids.set(snapshot.ids);
    held.rests.set(snapshot.rests);
    return;
  }
  cache.set(clusterId, { ids: snapshot.ids, rests: snapshot.rests });
}
