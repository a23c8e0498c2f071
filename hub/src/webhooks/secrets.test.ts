import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_WEBHOOK_SECRETS, parseWebhookSecrets, secretFor, type WebhookSecrets } from './secrets.ts';

const SHARED = 'shared-secret-0123456789';
const OWN = 'own-secret-of-the-fleet-repo';

function parsed(input: Parameters<typeof parseWebhookSecrets>[0]): WebhookSecrets {
  const result = parseWebhookSecrets(input);
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  return result.secrets;
}

describe('parseWebhookSecrets', () => {
  it('reads a shared secret (a file trimmed of its newline) and per-repository secrets by normalised URL', () => {
    const secrets = parsed({
      shared: { text: `${SHARED}\n`, source: '--webhook-secret-file s', fromFile: true },
      perRepo: {
        text: JSON.stringify({ 'https://GitHub.com/acme/fleet.git': OWN, 'git@github.com:acme/fleet': OWN }),
        source: '--webhook-secrets r.json',
      },
    });
    assert.equal(secrets.shared, SHARED);
    assert.deepEqual([...secrets.byRepo], [['github.com/acme/fleet', OWN]]);
  });

  it('configures nothing when given nothing', () => {
    assert.deepEqual(parsed({}), NO_WEBHOOK_SECRETS);
  });

  it('names the source and key of each problem, never a secret', () => {
    const result = parseWebhookSecrets({
      shared: { text: 'short', source: 'FERRY_HUB_WEBHOOK_SECRET', fromFile: false },
      perRepo: {
        text: JSON.stringify({
          'not a url at all': OWN,
          'https://github.com/acme/a': 'tiny',
          'https://github.com/acme/b': 42,
          'https://github.com/acme/fleet': OWN,
          'https://github.com/acme/fleet.git': `${OWN}-other`,
        }),
        source: '--webhook-secrets r.json',
      },
    });
    assert.equal(result.ok, false);
    assert.deepEqual(result.errors, [
      'FERRY_HUB_WEBHOOK_SECRET: the secret must be at least 16 characters',
      '--webhook-secrets r.json: key "not a url at all": is not a repository URL (https://host/org/repo, git@host:org/repo)',
      '--webhook-secrets r.json: key "https://github.com/acme/a": must be at least 16 characters',
      '--webhook-secrets r.json: key "https://github.com/acme/b": its secret must be a string',
      '--webhook-secrets r.json: keys "https://github.com/acme/fleet" and "https://github.com/acme/fleet.git" are the same repository (github.com/acme/fleet) with different secrets',
    ]);
    assert.ok(!result.errors.join(' ').includes(OWN) && !result.errors.join(' ').includes('tiny'));
  });

  it('refuses a file that is not a JSON object', () => {
    for (const text of ['[]', 'nope', '"x"', 'null']) {
      const result = parseWebhookSecrets({ perRepo: { text, source: '--webhook-secrets r.json' } });
      assert.deepEqual(result, {
        ok: false,
        errors: ['--webhook-secrets r.json: must be a JSON object {"<repository URL>": "<secret>", ...}'],
      });
    }
  });
});

describe('secretFor', () => {
  const secrets: WebhookSecrets = {
    shared: SHARED,
    byRepo: new Map([
      ['github.com/acme/fleet', OWN],
      ['github.com/acme/other', 'other-secret-0123456789'],
    ]),
  };

  it("takes the repository's own secret over the shared one", () => {
    assert.deepEqual(secretFor(secrets, ['github.com/acme/fleet']), {
      ok: true,
      secret: OWN,
      scope: 'repository',
    });
  });

  it('falls back to the shared secret', () => {
    assert.deepEqual(secretFor(secrets, ['github.com/acme/apps']), {
      ok: true,
      secret: SHARED,
      scope: 'shared',
    });
  });

  it('refuses when nothing is configured for the repository, saying so', () => {
    const choice = secretFor(NO_WEBHOOK_SECRETS, ['github.com/acme/fleet']);
    assert.equal(choice.ok, false);
    assert.match(choice.problem, /^no webhook secret is configured for github\.com\/acme\/fleet/);
  });

  it('refuses URLs of one delivery that have different secrets', () => {
    assert.equal(secretFor(secrets, ['github.com/acme/fleet', 'github.com/acme/other']).ok, false);
  });
});
