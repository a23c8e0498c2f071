import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { PROVIDERS } from './providers.ts';
import { verifyDelivery } from './verify-delivery.ts';

const SECRET = 'a-webhook-secret-of-some-length';
// Bytes as a provider sends them: spaces, a key order of its own, a \u escape and a raw non-ASCII
// character. JSON.stringify(JSON.parse(RAW)) is other bytes.
const RAW = Buffer.from(
  '{ "ref" : "refs/heads/main",\n  "after":"0123", "repository": {"name":"fl\\u00e9et", "owner":"Zoë"} }',
  'utf8',
);
const hex = (body: Uint8Array, secret = SECRET): string =>
  createHmac('sha256', secret).update(body).digest('hex');
const headers = (values: Record<string, string>) => (name: string) =>
  Object.entries(values).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

describe('verifyDelivery', () => {
  it('the raw bytes differ from what JSON.stringify would sign', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(RAW.toString('utf8'))), 'utf8');
    assert.notDeepEqual(reserialized, RAW);
    assert.notEqual(hex(reserialized), hex(RAW));
  });

  it('GitHub: accepts sha256=<HMAC of the raw bytes>, and only that', () => {
    const { proof } = PROVIDERS.github;
    const good = headers({ 'X-Hub-Signature-256': `sha256=${hex(RAW)}` });
    assert.deepEqual(verifyDelivery(proof, good, RAW, SECRET), { ok: true });
    const upper = headers({ 'X-Hub-Signature-256': `sha256=${hex(RAW).toUpperCase()}` });
    assert.deepEqual(verifyDelivery(proof, upper, RAW, SECRET), { ok: true }, 'hex in either case');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(RAW.toString('utf8'))), 'utf8');
    const ofJson = headers({ 'X-Hub-Signature-256': `sha256=${hex(reserialized)}` });
    assert.deepEqual(verifyDelivery(proof, ofJson, RAW, SECRET), {
      ok: false,
      problem: 'X-Hub-Signature-256: does not match the body signed with the secret',
    });
  });

  it('GitHub: refuses a signature of another secret, a missing, bare or short one, without echoing it', () => {
    const { proof } = PROVIDERS.github;
    const cases: readonly (readonly [Record<string, string>, string])[] = [
      [{ 'X-Hub-Signature-256': `sha256=${hex(RAW, 'another-secret-entirely')}` }, 'does not match'],
      [{}, 'X-Hub-Signature-256: missing'],
      [{ 'X-Hub-Signature-256': hex(RAW) }, 'must be sha256=<64 hex digits'],
      [{ 'X-Hub-Signature-256': `sha256=${hex(RAW).slice(0, 40)}` }, 'must be sha256='],
      [{ 'X-Hub-Signature-256': `sha1=${hex(RAW)}` }, 'must be sha256='],
      [{ 'X-Hub-Signature': `sha256=${hex(RAW)}` }, 'missing'],
    ];
    for (const [values, problem] of cases) {
      const verdict = verifyDelivery(proof, headers(values), RAW, SECRET);
      assert.equal(verdict.ok, false, JSON.stringify(values));
      assert.ok(verdict.problem.includes(problem), verdict.problem);
      assert.ok(!verdict.problem.includes(SECRET) && !verdict.problem.includes(hex(RAW).slice(0, 16)));
    }
  });

  it('a body changed by one byte fails', () => {
    const changed = Buffer.from(RAW);
    changed[3] = 0x20;
    const signed = headers({ 'X-Hub-Signature-256': `sha256=${hex(RAW)}` });
    assert.equal(verifyDelivery(PROVIDERS.github.proof, signed, changed, SECRET).ok, false);
  });

  it('Gitea: a bare hex HMAC in X-Gitea-Signature', () => {
    const { proof } = PROVIDERS.gitea;
    assert.deepEqual(verifyDelivery(proof, headers({ 'X-Gitea-Signature': hex(RAW) }), RAW, SECRET), {
      ok: true,
    });
    assert.equal(
      verifyDelivery(proof, headers({ 'X-Gitea-Signature': `sha256=${hex(RAW)}` }), RAW, SECRET).ok,
      false,
    );
    assert.equal(
      verifyDelivery(proof, headers({ 'X-Hub-Signature-256': `sha256=${hex(RAW)}` }), RAW, SECRET).ok,
      false,
    );
  });

  it('GitLab: the secret itself in X-Gitlab-Token, whatever the body', () => {
    const { proof } = PROVIDERS.gitlab;
    assert.deepEqual(verifyDelivery(proof, headers({ 'X-Gitlab-Token': SECRET }), RAW, SECRET), { ok: true });
    for (const token of [`${SECRET}x`, SECRET.slice(1), '', 'x']) {
      const verdict = verifyDelivery(proof, headers({ 'X-Gitlab-Token': token }), RAW, SECRET);
      assert.equal(verdict.ok, false, token);
      assert.ok(!verdict.problem.includes(SECRET));
    }
    assert.deepEqual(verifyDelivery(proof, headers({}), RAW, SECRET), {
      ok: false,
      problem: 'X-Gitlab-Token: missing',
    });
  });
});
