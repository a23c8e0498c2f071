import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOURCE_ERROR_CODES } from '../source/errors.ts';
import { agentMetrics, DRIFT_ACTIONS, OBJECT_ACTIONS, SYNC_RESULTS } from './agent-metrics.ts';

describe('agentMetrics', () => {
  it('declares every metric of the agent with its type', () => {
    const types = [
      ...agentMetrics()
        .registry.render()
        .matchAll(/^# TYPE (\S+) (\S+)$/gm),
    ].map(([, name, type]) => `${name ?? ''} ${type ?? ''}`);
    assert.deepEqual(types, [
      'ferry_sync_duration_seconds histogram',
      'ferry_objects_total counter',
      'ferry_drift_events_total counter',
      'ferry_last_applied_timestamp_seconds gauge',
      'ferry_git_fetch_duration_seconds histogram',
      'ferry_git_fetch_errors_total counter',
      'ferry_sync_in_progress gauge',
    ]);
  });

  it('scrapes every known label value at zero before the first sync', () => {
    const text = agentMetrics().registry.render();
    for (const result of SYNC_RESULTS)
      assert.match(text, new RegExp(`^ferry_sync_duration_seconds_count\\{result="${result}"\\} 0$`, 'm'));
    for (const action of OBJECT_ACTIONS)
      assert.match(text, new RegExp(`^ferry_objects_total\\{action="${action}"\\} 0$`, 'm'));
    for (const action of DRIFT_ACTIONS)
      assert.match(text, new RegExp(`^ferry_drift_events_total\\{action="${action}"\\} 0$`, 'm'));
    for (const code of SOURCE_ERROR_CODES)
      assert.match(text, new RegExp(`^ferry_git_fetch_errors_total\\{code="${code}"\\} 0$`, 'm'));
    assert.match(text, /^ferry_sync_in_progress 0$/m);
    assert.match(text, /^ferry_last_applied_timestamp_seconds 0$/m);
    assert.match(text, /^ferry_git_fetch_duration_seconds_count 0$/m);
  });

  it('records through the typed handles', () => {
    const metrics = agentMetrics();
    metrics.syncDuration.observe({ result: 'applied' }, 4.2);
    metrics.objects.inc({ action: 'configured' }, 3);
    metrics.driftEvents.inc({ action: 'healed' });
    metrics.lastAppliedTimestamp.set(1_700_000_000);
    metrics.gitFetchDuration.observe(0.3);
    metrics.gitFetchErrors.inc({ code: 'auth-refused' });
    metrics.syncInProgress.set(1);
    const text = metrics.registry.render();
    assert.match(text, /^ferry_sync_duration_seconds_bucket\{result="applied",le="5"\} 1$/m);
    assert.match(text, /^ferry_objects_total\{action="configured"\} 3$/m);
    assert.match(text, /^ferry_drift_events_total\{action="healed"\} 1$/m);
    assert.match(text, /^ferry_last_applied_timestamp_seconds 1700000000$/m);
    assert.match(text, /^ferry_git_fetch_duration_seconds_bucket\{le="0.5"\} 1$/m);
    assert.match(text, /^ferry_git_fetch_errors_total\{code="auth-refused"\} 1$/m);
    assert.match(text, /^ferry_sync_in_progress 1$/m);
  });

  it('each call declares a fresh registry', () => {
    agentMetrics().objects.inc({ action: 'created' });
    assert.match(agentMetrics().registry.render(), /^ferry_objects_total\{action="created"\} 0$/m);
  });
});
