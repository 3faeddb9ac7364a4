import { describe, expect, it } from 'vitest';
import type { FailureClass } from '../artifacts/common.ts';
import type { Evidence, TrajectoryDigest } from '../artifacts/digest.ts';
import { actionability, FIXABILITY_PRIORS, locality } from './actionability.ts';
import { type AnalysedFailure, clusterFailures } from './cluster-failures.ts';

let sequence = 0;
function member(
  failureClass: FailureClass,
  fields: {
    taskId?: string;
    tool?: string;
    processor?: string;
    turn?: number;
    turns?: number;
    excerpt?: string;
  } = {},
): AnalysedFailure {
  sequence += 1;
  const traceId = sequence.toString(16).padStart(32, '0');
  const turn = fields.turn ?? 9;
  const evidence: Evidence[] = [{ traceId, turn, excerpt: fields.excerpt ?? `evidence ${sequence}` }];
  const digest: TrajectoryDigest = {
    traceId,
    taskId: fields.taskId ?? `task-${sequence}`,
    outcome: failureClass === 'none' ? 'success' : 'failure',
    success: failureClass === 'none',
    reward: 0,
    turns: fields.turns ?? 10,
    failureClass,
    ...(failureClass === 'none' ? {} : { turn }),
    ...(fields.tool === undefined ? {} : { tool: fields.tool }),
    ...(fields.processor === undefined ? {} : { processor: fields.processor }),
    evidence,
  };
  return { digest, evidence };
}

describe('clusterFailures', () => {
  it('groups by failure class, skips successes and counts episodes with their sorted, unique task ids', () => {
    const clusters = clusterFailures([
      member('none'),
      member('early-finish', { taskId: 'b', tool: 'finish' }),
      member('early-finish', { taskId: 'a', tool: 'finish' }),
      member('early-finish', { taskId: 'a', tool: 'finish' }),
    ]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({
      id: 'early-finish:finish',
      failureClass: 'early-finish',
      count: 3,
      taskIds: ['a', 'b'],
      tool: 'finish',
    });
  });

  it('splits a class by tool when two tools each hold at least two failures; the rest stays at class level', () => {
    const clusters = clusterFailures([
      member('invalid-action', { tool: 'put' }),
      member('invalid-action', { tool: 'open' }),
      member('invalid-action', { tool: 'put' }),
      member('invalid-action', { tool: 'open' }),
      member('invalid-action', { tool: 'put' }),
      member('invalid-action', { tool: 'take' }),
    ]);
    expect(clusters.map((cluster) => [cluster.id, cluster.count, cluster.tool])).toEqual([
      ['invalid-action:put', 3, 'put'],
      ['invalid-action:open', 2, 'open'],
      ['invalid-action', 1, undefined],
    ]);
    // The class-level cluster names no tool, so its member names its own.
    expect(clusters[2]?.members.map((m) => m.tool)).toEqual(['take']);
    expect(clusters[0]?.members.every((m) => m.tool === undefined)).toBe(true);
  });

  it('lists each failure as a member, in order, saying only what its cluster does not', () => {
    const members = [
      member('processor-error', { taskId: 'a', processor: 'goal-pin', excerpt: 'same' }),
      member('processor-error', { taskId: 'b', processor: 'goal-pin', excerpt: 'same' }),
      member('processor-error', { taskId: 'c', processor: 'goal-pin', excerpt: 'same' }),
      member('processor-error', { taskId: 'd', processor: 'goal-pin', excerpt: 'same' }),
      member('processor-error', { taskId: 'e', processor: 'goal-pin', excerpt: 'new' }),
    ];
    const [cluster] = clusterFailures(members);
    expect(cluster).toMatchObject({ id: 'processor-error', processor: 'goal-pin', count: 5 });
    expect(cluster?.members.map((m) => m.traceId)).toEqual(members.map((m) => m.digest.traceId));
    expect(cluster?.members.map((m) => m.processor)).toEqual(Array(5).fill(undefined));
    // Shown by the cluster's evidence already: only the one new excerpt is repeated in a member.
    expect(cluster?.members.map((m) => m.excerpt)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'new',
    ]);
    const mixed = clusterFailures([
      member('processor-error', { processor: 'goal-pin' }),
      member('processor-error', { processor: 'loop-guard' }),
    ]);
    expect(mixed[0]?.processor).toBeUndefined();
    expect(mixed[0]?.members.map((m) => m.processor)).toEqual(['goal-pin', 'loop-guard']);
  });

  it('does not split a class dominated by one tool; the tool is kept only when every member shares it', () => {
    const clusters = clusterFailures([
      member('malformed-arguments', { tool: 'take' }),
      member('malformed-arguments', { tool: 'take' }),
      member('malformed-arguments', { tool: 'put' }),
    ]);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.id).toBe('malformed-arguments');
    expect(clusters[0]?.tool).toBeUndefined();
  });

  it('keeps up to three evidence spans, from distinct tasks first, in member order', () => {
    const members = [
      member('early-finish', { taskId: 'a' }),
      member('early-finish', { taskId: 'a' }),
      member('early-finish', { taskId: 'b' }),
      member('early-finish', { taskId: 'c' }),
      member('early-finish', { taskId: 'd' }),
    ];
    const [cluster] = clusterFailures(members);
    expect(cluster?.evidence.map((evidence) => evidence.excerpt)).toEqual(
      [members[0], members[2], members[3]].map((m) => m?.evidence[0]?.excerpt),
    );
  });
});

describe('actionability = share x fixability x locality', () => {
  it('follows the documented formula', () => {
    const members = [
      member('malformed-arguments', { tool: 'take' }).digest,
      member('malformed-arguments', { tool: 'take' }).digest,
    ];
    expect(locality(members)).toBe(1);
    expect(actionability('malformed-arguments', members, 4)).toBe(
      0.5 * FIXABILITY_PRIORS['malformed-arguments'],
    );
  });

  it('locality is the larger of the modal tool share and the modal episode-third share', () => {
    const scattered = [
      member('invalid-action', { tool: 'a', turn: 0, turns: 9 }).digest,
      member('invalid-action', { tool: 'b', turn: 4, turns: 9 }).digest,
      member('invalid-action', { tool: 'c', turn: 8, turns: 9 }).digest,
      member('invalid-action', { tool: 'd', turn: 8, turns: 9 }).digest,
    ];
    expect(locality(scattered)).toBe(0.5);
    expect(locality([member('aborted').digest].map((m) => ({ ...m, turn: undefined })))).toBe(0);
  });

  it('orders clusters: larger share first, then the more fixable class, then the more local one', () => {
    const clusters = clusterFailures([
      ...Array.from({ length: 4 }, () => member('early-finish', { tool: 'finish' })),
      ...Array.from({ length: 2 }, () => member('invalid-action', { tool: 'put' })),
      ...Array.from({ length: 2 }, () => member('malformed-arguments', { tool: 'put' })),
      member('lost-state', { tool: 'look', turn: 1, turns: 10 }),
      member('lost-state', { tool: 'go_to', turn: 9, turns: 10 }),
    ]);
    expect(clusters.map((cluster) => cluster.id)).toEqual([
      'early-finish:finish',
      'malformed-arguments:put',
      'invalid-action:put',
      'lost-state',
    ]);
    const scores = clusters.map((cluster) => cluster.actionability);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(score).toBeGreaterThan(0);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);
  });
});
