import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { countTaskOutcomes } from './evaluation-counts.ts';
import { measureTaskFlips, poolNoiseFloor } from './noise-floor.ts';
import { buildEvaluation } from './test-support/aegis-builders.ts';

const ID = `sha256:${'a'.repeat(64)}`;
const counts = (tasks: Record<string, string>, seed = 1) =>
  countTaskOutcomes(buildEvaluation({ contentId: ID, seed, tasks }), 'test');

describe('noise floor', () => {
  it('measures per-task flip rates as the share of disagreeing cross-run pairs', () => {
    const flips = measureTaskFlips(counts({ b: 'SSS', a: 'SSF' }), counts({ a: 'SFF', b: 'SSS' }, 2));
    expect(flips.map((flip) => flip.taskId)).toEqual(['a', 'b']);
    // a: 2 successes vs 1: (2·2 + 1·1) / 9 disagreeing pairs.
    expect(flips[0]?.flipRate).toBeCloseTo(5 / 9, 12);
    expect(flips[1]?.flipRate).toBe(0);
    const floor = poolNoiseFloor(flips);
    expect(floor.measuredFlipRate).toBeCloseTo(5 / 18, 12);
    // Six rollouts are too few to trust 5/18: the rule-of-three bound 3/6 is larger and stands.
    expect(floor.flipProbability).toBe(0.5);
  });

  it('never uses zero: with no flips seen, the rule-of-three bound 3 / N stands in', () => {
    const tasks = { a: 'SSS', b: 'SSS', c: 'SSS', d: 'SSS', e: 'SSS' };
    const floor = poolNoiseFloor(measureTaskFlips(counts(tasks), counts(tasks, 2)));
    expect(floor.measuredFlipRate).toBe(0);
    expect(floor.rollouts).toBe(15);
    expect(floor.flipProbability).toBeCloseTo(3 / 15, 12);
    expect(poolNoiseFloor([]).flipProbability).toBe(1);
  });

  it('refuses a replicate on other tasks or with other rollout counts', () => {
    expect(() => measureTaskFlips(counts({ a: 'SSS', b: 'SFS' }), counts({ a: 'SSS' }, 2))).toThrow(
      InputError,
    );
    expect(() => measureTaskFlips(counts({ a: 'SSS' }), counts({ a: 'SS' }, 2))).toThrow(/2 rollouts/);
    expect(() => measureTaskFlips(counts({ a: 'SSS' }), counts({ a: 'SSS', z: 'SSS' }, 2))).toThrow(
      /extra task "z"/,
    );
  });
});
