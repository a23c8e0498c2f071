import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALLOW_DELETIONS_ANNOTATION, parseGitSyncSpec } from './parse-spec.ts';

const SHA = 'a'.repeat(40);
const errorsOf = (spec: unknown, annotations: Record<string, string> = {}): readonly string[] => {
  const parsed = parseGitSyncSpec(spec, annotations);
  return parsed.ok ? [] : parsed.errors;
};

describe('parseGitSyncSpec', () => {
  it('fills every default from a spec that names only the repo', () => {
    const parsed = parseGitSyncSpec({ repo: 'https://git.example.com/fleet.git' });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.spec, {
      repo: 'https://git.example.com/fleet.git',
      ref: { kind: 'branch', name: 'main' },
      path: '',
      targetNamespace: 'default',
      intervalMs: 60_000,
      credentialsSecret: undefined,
      prune: {
        enabled: true,
        allowEmpty: false,
        budget: { maxFraction: 0.25, minObjects: 10, maxObjects: 50 },
        allowedRevision: undefined,
      },
      drift: { mode: 'heal', ignore: [] },
      suspend: false,
    });
  });

  it('reads every field of a full spec', () => {
    const parsed = parseGitSyncSpec({
      repo: 'http://git:8080/r.git',
      ref: 'semver:>=1.0.0 <2',
      path: '/clusters/prod/',
      targetNamespace: 'apps',
      interval: '1m30s',
      credentials: { secretName: 'git-credentials' },
      prune: {
        enabled: false,
        allowEmpty: true,
        budget: { maxPercent: 10, minObjects: 1, maxObjects: 5 },
        allowedRevision: SHA,
      },
      drift: { mode: 'report', ignore: [{ pointers: ['/spec/replicas'], kind: 'Deployment' }] },
      suspend: true,
    });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.spec.ref, { kind: 'semver', range: '>=1.0.0 <2' });
    assert.equal(parsed.spec.path, 'clusters/prod');
    assert.equal(parsed.spec.intervalMs, 90_000);
    assert.equal(parsed.spec.credentialsSecret, 'git-credentials');
    assert.deepEqual(parsed.spec.prune, {
      enabled: false,
      allowEmpty: true,
      budget: { maxFraction: 0.1, minObjects: 1, maxObjects: 5 },
      allowedRevision: SHA,
    });
    assert.deepEqual(parsed.spec.drift, {
      mode: 'report',
      ignore: [{ pointers: ['/spec/replicas'], kind: 'Deployment' }],
    });
    assert.equal(parsed.spec.suspend, true);
  });

  it('names each wrong field, all at once', () => {
    assert.deepEqual(
      errorsOf({
        repo: 'git@host:r.git',
        ref: 'branch:a..b',
        interval: '5x',
        drift: { mode: 'sometimes', ignore: [{ pointers: ['spec'] }] },
        prune: { budget: { maxPercent: -1 } },
      }),
      [
        'spec.repo: "git@host:r.git" is not an http(s) URL',
        'spec.ref: invalid branch name "a..b"',
        'spec.interval: "5x" is not a duration (e.g. 30s, 5m, 1h)',
        'spec.prune.budget.maxPercent: must be a whole number ≥ 0',
        'spec.drift.mode: must be one of heal, report, not "sometimes"',
        'spec.drift.ignore[0].pointers[0]: must start with "/"',
      ],
    );
  });

  it('refuses a missing repo, an interval under 5 s and a spec that is not an object', () => {
    assert.deepEqual(errorsOf({ interval: '1s' }), [
      'spec.repo: is required',
      'spec.interval: 1s is shorter than the minimum, 5s',
    ]);
    assert.deepEqual(errorsOf('repo'), ['spec: must be an object', 'spec.repo: is required']);
  });

  it('takes the allowed revision from the annotation over the spec, and checks it is a SHA', () => {
    const other = 'b'.repeat(40);
    const parsed = parseGitSyncSpec(
      { repo: 'https://h/r', prune: { allowedRevision: SHA } },
      { [ALLOW_DELETIONS_ANNOTATION]: other },
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.spec.prune.allowedRevision, other);
    assert.deepEqual(errorsOf({ repo: 'https://h/r' }, { [ALLOW_DELETIONS_ANNOTATION]: 'HEAD' }), [
      `annotation ${ALLOW_DELETIONS_ANNOTATION}: must be a commit SHA (40 hex digits)`,
    ]);
  });
});
