import { describe, expect, it } from 'vitest';
import type { Digest, FailureCluster, TrajectoryDigest } from '../artifacts/digest.ts';
import { predictImpact, taskOutcomes } from './predict-impact.ts';

function trajectory(taskId: string, success: boolean, turns: number, tool?: string): TrajectoryDigest {
  return {
    traceId: `${taskId}-${turns}`,
    taskId,
    outcome: success ? 'success' : 'failed',
    success,
    reward: success ? 1 : 0,
    turns,
    failureClass: success ? 'none' : 'invalid-action',
    ...(tool ? { tool } : {}),
    evidence: [],
  };
}

const digest = {
  trajectories: [
    trajectory('a', true, 5),
    trajectory('b', true, 10),
    trajectory('c', true, 20),
    trajectory('c', false, 12, 'open'),
    trajectory('d', true, 28),
    trajectory('e', false, 9, 'open'),
    trajectory('f', false, 7, 'take'),
  ],
} as Digest;

const cluster: FailureCluster = {
  id: 'invalid-action:open',
  failureClass: 'invalid-action',
  count: 2,
  taskIds: ['e'],
  actionability: 0.3,
  tool: 'open',
  evidence: [],
};

const outcomes = taskOutcomes(digest);

describe('predictImpact', () => {
  it('unlocks unsolved cluster tasks and stabilises solved tasks that failed at the same tool', () => {
    const prediction = predictImpact(
      cluster,
      { operator: 'add-processor', params: { id: 'failure-reflection' } },
      outcomes,
    );
    expect(prediction.unlock).toEqual(['e']);
    expect(prediction.stabilise).toEqual(['c']);
  });

  it('puts the long solved episodes at risk for an ordinary edit', () => {
    // Successful rollout turns 5, 10, 20, 28: the top quarter starts at 20, and c is stabilised.
    expect(
      predictImpact(cluster, { operator: 'add-processor', params: { id: 'goal-pin' } }, outcomes).atRisk,
    ).toEqual(['d']);
  });

  it('puts every other solved task at risk when a processor is removed or tools restricted', () => {
    expect(
      predictImpact(cluster, { operator: 'remove-processor', params: { id: 'goal-pin' } }, outcomes).atRisk,
    ).toEqual(['a', 'b', 'd']);
    expect(
      predictImpact(cluster, { operator: 'restrict-tools', params: { tools: ['look'] } }, outcomes).atRisk,
    ).toEqual(['a', 'b', 'd']);
  });

  it('puts tasks near a lowered budget at risk, and none for an enabled tool', () => {
    // 80% of 12 tool calls is 9.6: b (10) and d (28) are over it.
    expect(
      predictImpact(cluster, { operator: 'set-budget-split', params: { maxToolCalls: 12 } }, outcomes).atRisk,
    ).toEqual(['b', 'd']);
    expect(
      predictImpact(cluster, { operator: 'enable-tool', params: { tool: 'open' } }, outcomes).atRisk,
    ).toEqual([]);
  });

  it('has no long episodes to disturb when nothing is solved', () => {
    const none = taskOutcomes({ trajectories: [trajectory('e', false, 9, 'open')] } as Digest);
    expect(predictImpact(cluster, { operator: 'add-processor', params: { id: 'goal-pin' } }, none)).toEqual({
      unlock: ['e'],
      stabilise: [],
      atRisk: [],
    });
  });
});
