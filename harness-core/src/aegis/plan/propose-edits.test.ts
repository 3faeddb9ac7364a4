import { describe, expect, it } from 'vitest';
import { type HarnessSpecInput, parseHarnessSpec } from '../../harness/spec.ts';
import type { FailureClass } from '../artifacts/common.ts';
import type { Digest, FailureCluster } from '../artifacts/digest.ts';
import { proposeEdits } from './propose-edits.ts';

const base: HarnessSpecInput = {
  schemaVersion: 'harnessx.harness/1',
  name: 'test-harness',
  models: { worker: { provider: 'simulated', model: 'sim' } },
};
const bare = parseHarnessSpec(base);

function cluster(failureClass: Exclude<FailureClass, 'none'>, tool?: string): FailureCluster {
  return {
    id: tool ? `${failureClass}:${tool}` : failureClass,
    failureClass,
    count: 3,
    taskIds: ['t1'],
    actionability: 0.5,
    ...(tool ? { tool } : {}),
    evidence: [],
    members: ['a', 'b', 'c'].map((n) => ({
      traceId: `trace-${n}`,
      taskId: 't1',
      reward: 0,
      turns: 9,
      turn: 5,
    })),
  };
}

const emptyDigest = { clusters: [] } as unknown as Digest;
const calls = (spec = bare, c: FailureCluster, digest = emptyDigest) =>
  proposeEdits(c, spec, digest).map((p) => `${p.lever} ${p.edit.operator} ${JSON.stringify(p.edit.params)}`);

describe('proposeEdits', () => {
  it('answers each failure class with its table row', () => {
    expect(calls(bare, cluster('malformed-arguments'))).toEqual([
      'tool-use add-processor {"id":"tool-argument-repair"}',
      expect.stringMatching(/^tool-use append-system-prompt/),
    ]);
    expect(calls(bare, cluster('turn-budget-exhausted'))).toEqual([
      'control-flow-safety add-processor {"id":"plan-first"}',
      'context-compaction set-compaction {"maxContextTokens":1500}',
      'execution-limits add-processor {"id":"budget-guard"}',
    ]);
    expect(calls(bare, cluster('token-budget-exhausted'))).toEqual([
      'context-compaction set-compaction {"maxContextTokens":1500}',
      'context-compaction add-processor {"id":"tool-result-truncation"}',
      'execution-limits add-processor {"id":"budget-guard"}',
    ]);
    expect(calls(bare, cluster('unknown'))).toEqual(['observability add-processor {"id":"turn-observer"}']);
    expect(calls(bare, cluster('aborted'))).toEqual([]);
  });

  it('never proposes raising a budget', () => {
    const all = (['turn-budget-exhausted', 'token-budget-exhausted'] as const).flatMap((c) =>
      calls(bare, cluster(c)),
    );
    expect(all.some((call) => call.includes('set-budget-split'))).toBe(false);
  });

  it('proposes model fallback only when a fallback model is configured', () => {
    expect(calls(bare, cluster('model-error'))).toEqual(['tool-use add-processor {"id":"tool-retry"}']);
    const withFallback = parseHarnessSpec({
      ...base,
      models: {
        worker: { provider: 'simulated', model: 'sim', fallback: { provider: 'simulated', model: 'big' } },
      },
    });
    expect(calls(withFallback, cluster('model-error'))[0]).toBe(
      'model-routing add-processor {"id":"model-fallback"}',
    );
  });

  it('enables the tool an invalid-action cluster failed at when the harness disabled it', () => {
    const restricted = parseHarnessSpec({ ...base, slots: { tools: { enabled: ['look', 'finish'] } } });
    expect(calls(restricted, cluster('invalid-action', 'open'))).toContain(
      'tool-use enable-tool {"tool":"open"}',
    );
    expect(calls(bare, cluster('invalid-action', 'open')).some((call) => call.includes('enable-tool'))).toBe(
      false,
    );
  });

  it('removes the processor that processor-error episodes failed in, on its own lever', () => {
    const spec = parseHarnessSpec({ ...base, processors: [{ id: 'loop-guard' }, { id: 'goal-pin' }] });
    const failing: FailureCluster = {
      ...cluster('processor-error'),
      count: 2,
      members: [
        { traceId: 'trace-a', taskId: 't1', reward: 0, turns: 4, turn: 1, processor: 'loop-guard' },
        { traceId: 'trace-b', taskId: 't1', reward: 0, turns: 4, turn: 1, processor: 'not-present' },
      ],
    };
    const digest = { clusters: [failing] } as unknown as Digest;
    expect(calls(spec, failing, digest)).toEqual([
      'control-flow-safety remove-processor {"id":"loop-guard"}',
    ]);
  });

  it('re-configures for the purpose of the cluster when the processor is present', () => {
    const spec = parseHarnessSpec({
      ...base,
      processors: [{ id: 'context-compaction' }, { id: 'state-tracker-memory' }],
    });
    expect(calls(spec, cluster('lost-state'))).toEqual([
      'memory configure-processor {"id":"state-tracker-memory","options":{"omitRecentTokens":300}}',
      'memory add-processor {"id":"goal-pin"}',
      'context-compaction configure-processor {"id":"context-compaction","options":{"keepRecentTurns":4}}',
    ]);
    expect(calls(spec, cluster('token-budget-exhausted'))[0]).toBe(
      'context-compaction configure-processor {"id":"context-compaction","options":{"maxContextTokens":1125}}',
    );
    const weights = proposeEdits(cluster('lost-state'), spec, emptyDigest).map((p) => p.weight);
    expect(weights).toEqual([0.6, 0.85, 0.42]);
  });
});
