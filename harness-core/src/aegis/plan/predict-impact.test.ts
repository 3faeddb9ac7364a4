import { describe, expect, it } from 'vitest';
import type { FailureClass } from '../artifacts/common.ts';
import type { Digest, FailureCluster } from '../artifacts/digest.ts';
import { predictImpact, taskOutcomes } from './predict-impact.ts';

const success = (taskId: string, turns: number) => ({
  traceId: `${taskId}-${turns}`,
  taskId,
  reward: 1,
  turns,
});

function failures(
  failureClass: Exclude<FailureClass, 'none'>,
  tool: string | undefined,
  taskId: string,
  turns = 9,
) {
  return {
    id: tool ? `${failureClass}:${tool}` : failureClass,
    failureClass,
    count: 1,
    taskIds: [taskId],
    actionability: 0.3,
    ...(tool ? { tool } : {}),
    evidence: [],
    members: [{ traceId: `${taskId}-${turns}`, taskId, reward: 0, turns, turn: turns - 1 }],
  } satisfies FailureCluster;
}

const cluster: FailureCluster = failures('invalid-action', 'open', 'e');

/** c failed at open too, but in another cluster (a class-level one, so its member names the tool). */
const lostAtOpen: FailureCluster = {
  ...failures('lost-state', undefined, 'c', 12),
  members: [{ traceId: 'c-12', taskId: 'c', reward: 0, turns: 12, turn: 11, tool: 'open' }],
};

const digest = {
  clusters: [cluster, lostAtOpen, failures('invalid-action', 'take', 'f', 7)],
  successfulTrajectories: [success('a', 5), success('b', 10), success('c', 20), success('d', 28)],
} as unknown as Digest;

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
    const none = taskOutcomes({ clusters: [cluster] } as unknown as Digest);
    expect(predictImpact(cluster, { operator: 'add-processor', params: { id: 'goal-pin' } }, none)).toEqual({
      unlock: ['e'],
      stabilise: [],
      atRisk: [],
    });
  });
});
