import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRef } from '@ferry/shared';
import { guardProtected } from './guard-protected.ts';

const AGENT_NAMESPACE: ObjectRef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  namespace: '',
  name: 'ferry-system',
};
const AGENT_ROLE: ObjectRef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  namespace: '',
  name: 'ferry-agent',
};
const APP_NAMESPACE: ObjectRef = { ...AGENT_NAMESPACE, name: 'shop' };

const isAgentOwn = (ref: ObjectRef): boolean => ref === AGENT_NAMESPACE || ref === AGENT_ROLE;

describe('guard protected', () => {
  const cases: { name: string; ref: ObjectRef; keeps: boolean }[] = [
    { name: "the agent's own namespace is never pruned", ref: AGENT_NAMESPACE, keeps: true },
    { name: "the agent's own RBAC is never pruned", ref: AGENT_ROLE, keeps: true },
    { name: 'an application namespace goes on to the next guard', ref: APP_NAMESPACE, keeps: false },
  ];
  for (const { name, ref, keeps } of cases) {
    it(name, () => {
      const reason = guardProtected(ref, { protectedRefs: isAgentOwn });
      if (keeps) assert.match(reason ?? '', /belongs to the agent itself/);
      else assert.equal(reason, undefined);
    });
  }
});
