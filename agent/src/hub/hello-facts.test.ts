import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHelloBody } from './testing/parse-hello.ts';
import { agentVersion, helloFacts, refText, withoutUserInfo } from './hello-facts.ts';
import { FakeKube } from './testing/fake-kube.ts';

const UID = '0b8f3e4c-7a2d-4f61-8c5e-1d9a7b3c2e40';

function cluster(spec: Record<string, unknown>): FakeKube {
  const kube = new FakeKube();
  kube.put({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'kube-system', namespace: '', uid: UID },
  });
  kube.put({
    apiVersion: 'ferry.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name: 'ferry', namespace: 'ferry-system' },
    spec,
  });
  return kube;
}

describe('helloFacts', () => {
  it('names the cluster by kube-system’s UID and says what the GitSync follows', async () => {
    const kube = cluster({ repo: 'https://git.example.com/fleet.git', ref: 'main', path: 'clusters/prod' });
    const facts = await helloFacts(kube.api, {
      namespace: 'ferry-system',
      name: 'ferry',
      agentVersion: '0.1.0',
      spec: () => undefined,
    })();
    assert.deepEqual(facts, {
      clusterUid: UID,
      agentVersion: '0.1.0',
      kubernetesVersion: 'v1.30.2',
      source: { repo: 'https://git.example.com/fleet.git', ref: 'main', path: 'clusters/prod' },
      protocols: [1],
    });
    assert.ok(parseHelloBody(facts));
  });

  it('never puts a user or password of the repository URL in a hello', async () => {
    const kube = cluster({ repo: 'https://ferry:s3cret@git.example.com/fleet.git' });
    const facts = await helloFacts(kube.api, {
      namespace: 'ferry-system',
      name: 'ferry',
      agentVersion: '0.1.0',
      spec: () => undefined,
    })();
    assert.equal(facts.source.repo, 'https://git.example.com/fleet.git');
    assert.ok(parseHelloBody(facts));
  });

  it('fails, naming the GitSync, when there is none to say hello about', async () => {
    const kube = cluster({});
    kube.objects.clear();
    kube.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kube-system', namespace: '', uid: UID },
    });
    await assert.rejects(
      helloFacts(kube.api, {
        namespace: 'ferry-system',
        name: 'ferry',
        agentVersion: '0.1.0',
        spec: () => undefined,
      })(),
      /GitSync ferry-system\/ferry not found/,
    );
  });
});

describe('hello helpers', () => {
  it('writes each kind of ref as one string', () => {
    assert.equal(refText({ kind: 'branch', name: 'main' }), 'main');
    assert.equal(refText({ kind: 'tag', name: 'v1.2.0' }), 'tag:v1.2.0');
    assert.equal(refText({ kind: 'semver', range: '>=1 <2' }), 'semver:>=1 <2');
    assert.equal(refText({ kind: 'commit', sha: 'a'.repeat(40) }), 'a'.repeat(40));
  });

  it('keeps an ssh user, which names no secret', () => {
    assert.equal(
      withoutUserInfo('ssh://git@git.example.com/fleet.git'),
      'ssh://git@git.example.com/fleet.git',
    );
    assert.equal(withoutUserInfo('git@git.example.com:fleet.git'), 'git@git.example.com:fleet.git');
    assert.equal(withoutUserInfo('http://token@git.example.com/f.git'), 'http://git.example.com/f.git');
  });

  it('reads the agent’s version from its package.json', () => {
    assert.match(agentVersion(), /^\d+\.\d+\.\d+/);
  });
});
