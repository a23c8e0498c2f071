import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dnsLabelProblem,
  gitRefProblem,
  labelKeyProblem,
  labelValueProblem,
  repoPathProblem,
  repoProblem,
  tokenNameProblem,
} from './fields.ts';

function accepts(check: (value: string) => string | undefined, values: readonly string[]): void {
  for (const value of values) assert.equal(check(value), undefined, `should accept ${JSON.stringify(value)}`);
}

function refuses(check: (value: string) => string | undefined, values: readonly string[]): void {
  for (const value of values)
    assert.notEqual(check(value), undefined, `should refuse ${JSON.stringify(value)}`);
}

describe('the syntax of what people type into the API', () => {
  it('takes DNS-1123 labels as cluster names and namespaces', () => {
    accepts(dnsLabelProblem, ['prod-eu-1', 'a', '0', 'x'.repeat(63)]);
    refuses(dnsLabelProblem, ['', 'Prod', 'prod_eu', '-prod', 'prod-', 'prod.eu', 'x'.repeat(64)]);
  });

  it('takes API token names of letters, digits and ._@-', () => {
    accepts(tokenNameProblem, ['ann', 'ci.deploy', 'ann@example.com', 'Bob-2']);
    refuses(tokenNameProblem, ['', '-ann', 'ann smith', 'ann/x', 'x'.repeat(64)]);
  });

  it('takes Kubernetes label keys with an optional DNS subdomain prefix', () => {
    accepts(labelKeyProblem, ['env', 'app.kubernetes.io/name', 'Team_1', 'a', 'example.com/x.y-z']);
    refuses(labelKeyProblem, [
      '',
      '/env',
      'Example.com/env',
      'env/',
      '-env',
      'env-',
      'a/b/c',
      'x'.repeat(64),
    ]);
  });

  it('takes Kubernetes label values, empty included', () => {
    accepts(labelValueProblem, ['', 'prod', 'v1.2.3', 'A_b-c']);
    refuses(labelValueProblem, ['-prod', 'prod-', 'has space', 'a/b', 'x'.repeat(64)]);
  });

  it('takes http(s) repository URLs that carry no credential (the agent fetches over smart HTTP)', () => {
    accepts(repoProblem, ['https://git.example.com/fleet.git', 'http://127.0.0.1:8080/fleet.git']);
    refuses(repoProblem, [
      '',
      'ssh://git@git.example.com/org/fleet.git',
      'git://git.example.com/fleet.git',
      'git@github.com:org/fleet.git',
      'https://user:secret@git.example.com/fleet.git',
      'https://ghp_abc123@git.example.com/fleet.git',
      'ssh://git:secret@git.example.com/fleet.git',
      'file:///srv/fleet.git',
      'ftp://git.example.com/fleet.git',
      '/srv/fleet.git',
      'fleet',
      'https://git.example.com/fleet .git',
      'https://git.example.com/fleet\n.git',
      `https://git.example.com/${'x'.repeat(2048)}`,
    ]);
  });

  it('takes branch, tag and commit names by git check-ref-format', () => {
    accepts(gitRefProblem, [
      'main',
      'release/1.2',
      'v1.2.3',
      'refs/heads/main',
      'a'.repeat(40),
      'branch:main',
      'tag:v1.2.3',
      'semver:>=1.2 <2',
      `commit:${'0a'.repeat(20)}`,
    ]);
    refuses(gitRefProblem, [
      '',
      'branch:',
      'tag:a..b',
      'semver: ',
      'commit:abc',
      'head:main',
      'a..b',
      'has space',
      'x~1',
      'x^',
      'a:b',
      '-x',
      'x/',
      '/x',
      'x.lock',
      'a@{1}',
    ]);
  });

  it('takes repository paths relative to the root, without ..', () => {
    accepts(repoPathProblem, ['', 'clusters/prod', 'a/b/c.d', '..x', 'x..']);
    refuses(repoPathProblem, ['/clusters', '..', 'a/../b', 'a/..', 'a\\b', 'a\u0000b', 'x'.repeat(1025)]);
  });
});
