import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/index.ts';
import { keepIgnored } from './keep-ignored.ts';

const ref = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'app', name: 'web' };
const deployment = (replicas: number, image = 'a:1'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'app', annotations: { 'example.com/a': 'git', keep: 'y' } },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: 'app', image },
          { name: 'side', image: 's:1' },
        ],
      },
    },
  },
});
const spec = (o: KubeObject) =>
  o.spec as { replicas?: number; template: { spec: { containers: { image?: string }[] } } };

describe('keepIgnored', () => {
  it('keeps the live spec.replicas (an autoscaler set it) for a rule that selects Deployments', () => {
    const git = deployment(2);
    const kept = keepIgnored(git, deployment(5), ref, [{ pointers: ['/spec/replicas'], kind: 'Deployment' }]);
    assert.equal(spec(kept).replicas, 5);
    assert.equal(spec(git).replicas, 2, 'the manifest itself is not changed');
  });

  it('leaves objects the rule does not select as Git has them', () => {
    const git = deployment(2);
    assert.equal(
      keepIgnored(git, deployment(5), ref, [{ pointers: ['/spec/replicas'], kind: 'StatefulSet' }]),
      git,
    );
    assert.equal(
      keepIgnored(git, deployment(5), ref, [{ pointers: ['/spec/replicas'], name: 'other' }]),
      git,
    );
  });

  it('drops a field the live object no longer has, rather than setting Git’s value back', () => {
    const live = deployment(2);
    delete (live.metadata.annotations as Record<string, string>)['example.com/a'];
    const kept = keepIgnored(deployment(2), live, ref, [
      { pointers: ['/metadata/annotations/example.com~1a'] },
    ]);
    assert.deepEqual(kept.metadata.annotations, { keep: 'y' });
  });

  it('follows list items named by their keys', () => {
    const kept = keepIgnored(deployment(2, 'a:1'), deployment(2, 'a:2'), ref, [
      { pointers: ['/spec/template/spec/containers[name=app]/image'] },
    ]);
    assert.equal(spec(kept).template.spec.containers[0]?.image, 'a:2');
  });

  it('never touches the identity fields, and ignores pointers Git does not set', () => {
    const git = deployment(2);
    const kept = keepIgnored(git, deployment(2), ref, [{ pointers: ['/metadata/name', '/spec/paused'] }]);
    assert.deepEqual(kept, git);
  });
});
