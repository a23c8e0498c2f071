import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CREDENTIAL_SECRET,
  credentialDigest,
  ensureCredential,
  isCredential,
  newCredential,
} from './credential.ts';
import { decodeSecretData } from './config.ts';
import { FakeKube, secret } from './testing/fake-kube.ts';

const NS = 'ferry-system';
const REF = { kind: 'Secret', namespace: NS, name: CREDENTIAL_SECRET };

/** Randomness that yields a different, known credential each call. */
function counting(): (bytes: number) => Buffer {
  let n = 0;
  return (bytes) => Buffer.alloc(bytes, ++n);
}

function stored(kube: FakeKube): string | undefined {
  return decodeSecretData(kube.objects.get(FakeKube.key(REF))?.data).credential;
}

describe('credential', () => {
  it('is 32 random bytes as 43 characters of base64url', () => {
    const credential = newCredential();
    assert.ok(isCredential(credential), credential);
    assert.notEqual(newCredential(), credential);
  });

  it('has the SHA-256 hex digest the hub computes', () => {
    assert.equal(credentialDigest('abc'), createHash('sha256').update('abc').digest('hex'));
    assert.match(credentialDigest(newCredential()), /^[0-9a-f]{64}$/);
  });
});

describe('ensureCredential', () => {
  it('writes a new credential into the empty Secret of the install manifest, then reads it back', async () => {
    const kube = new FakeKube();
    kube.put(secret(NS, CREDENTIAL_SECRET));
    const first = await ensureCredential(kube.api, { namespace: NS, random: counting() });
    assert.equal(first.source, 'generated');
    assert.equal(stored(kube), first.value);
    const again = await ensureCredential(kube.api, { namespace: NS, random: counting() });
    assert.deepEqual(again, { value: first.value, source: 'stored' });
    assert.equal(kube.writes, 1);
  });

  it('keeps the Secret’s other fields and labels, and writes with its resourceVersion', async () => {
    const kube = new FakeKube();
    const base = secret(NS, CREDENTIAL_SECRET);
    kube.put({ ...base, metadata: { ...base.metadata, labels: { team: 'a' } } });
    await ensureCredential(kube.api, { namespace: NS, random: counting() });
    const after = kube.objects.get(FakeKube.key(REF));
    assert.deepEqual(after?.metadata.labels, { team: 'a' });
    assert.equal(after.metadata.resourceVersion, '2');
  });

  it('creates the Secret when it is missing', async () => {
    const kube = new FakeKube();
    const credential = await ensureCredential(kube.api, { namespace: NS, random: counting() });
    assert.equal(credential.source, 'generated');
    assert.equal(stored(kube), credential.value);
  });

  it('uses what another writer stored when it loses the race (the resourceVersion moved)', async () => {
    const kube = new FakeKube();
    kube.put(secret(NS, CREDENTIAL_SECRET));
    const theirs = newCredential(() => Buffer.alloc(32, 9));
    kube.afterGet = () => {
      kube.afterGet = undefined;
      kube.put(secret(NS, CREDENTIAL_SECRET, { credential: theirs }));
    };
    const credential = await ensureCredential(kube.api, { namespace: NS, random: counting() });
    assert.deepEqual(credential, { value: theirs, source: 'adopted' });
    assert.equal(stored(kube), theirs);
  });

  it('uses what another writer created when both found no Secret', async () => {
    const kube = new FakeKube();
    const theirs = newCredential(() => Buffer.alloc(32, 7));
    kube.afterGet = () => {
      kube.afterGet = undefined;
      kube.put(secret(NS, CREDENTIAL_SECRET, { credential: theirs }));
    };
    assert.deepEqual(await ensureCredential(kube.api, { namespace: NS, random: counting() }), {
      value: theirs,
      source: 'adopted',
    });
  });

  it('replaces a value that is not a credential the agent made', async () => {
    const kube = new FakeKube();
    kube.put(secret(NS, CREDENTIAL_SECRET, { credential: 'changeme' }));
    const credential = await ensureCredential(kube.api, { namespace: NS, random: counting() });
    assert.equal(credential.source, 'generated');
    assert.ok(isCredential(stored(kube) ?? ''));
  });

  it('replaces a credential the hub refused for good, and only that one', async () => {
    const kube = new FakeKube();
    const old = newCredential(() => Buffer.alloc(32, 200));
    kube.put(secret(NS, CREDENTIAL_SECRET, { credential: old }));
    const fresh = await ensureCredential(kube.api, { namespace: NS, refuse: old, random: counting() });
    assert.notEqual(fresh.value, old);
    assert.equal(stored(kube), fresh.value);
    // Another replica got there first with its own new one: that one is kept.
    const kept = await ensureCredential(kube.api, { namespace: NS, refuse: old, random: counting() });
    assert.deepEqual(kept, { value: fresh.value, source: 'stored' });
  });

  it('gives up, naming the Secret, when someone keeps writing it', async () => {
    const kube = new FakeKube();
    kube.put(secret(NS, CREDENTIAL_SECRET));
    kube.afterGet = () => {
      kube.put(secret(NS, CREDENTIAL_SECRET));
    };
    await assert.rejects(ensureCredential(kube.api, { namespace: NS, random: counting() }), {
      name: 'KubeError',
      message: /Secret ferry-system\/ferry-agent-credential key credential: still changing/,
    });
  });
});
