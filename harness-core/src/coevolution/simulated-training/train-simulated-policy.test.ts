import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { parseSimulatedWorkerOptions } from '../../testing/simulated-worker/index.ts';
import type { XgrpoGroupRecord } from '../group-record-schema.ts';
import { failureDecisions, TRAINED_RATES } from './failure-decisions.ts';
import {
  cleanSteps,
  GOOD_TAKE,
  garbledSteps,
  malformedIsWorseGroups,
  syntheticGroup,
  syntheticTrajectory,
} from './fixtures/synthetic-groups.ts';
import { simulatedModelVersion } from './model-version.ts';
import { trainSimulatedPolicy } from './train-simulated-policy.ts';

const defaults = parseSimulatedWorkerOptions({});
const logit = (p: number) => Math.log(p / (1 - p));

function withAdvantages(
  groups: XgrpoGroupRecord[],
  advantage: (index: number) => number,
): XgrpoGroupRecord[] {
  let index = 0;
  return groups.map((group) => ({
    ...group,
    trajectories: group.trajectories.map((trajectory) => ({ ...trajectory, advantage: advantage(index++) })),
  }));
}

describe('failureDecisions', () => {
  it('sees a garbled call, skips the call after an error that names the parameters, and an early finish', () => {
    const garbled = failureDecisions(syntheticTrajectory('g', garbledSteps, 0, -1), false, defaults);
    expect(garbled.map(({ rate, fired }) => [rate, fired])).toEqual([
      ['malformedArgumentsRate', true],
      ['earlyFinishRate', true],
    ]);
    const clean = failureDecisions(syntheticTrajectory('c', cleanSteps, 1, 1), true, defaults);
    expect(clean.map(({ rate, fired }) => [rate, fired])).toEqual([
      ['malformedArgumentsRate', false],
      ['earlyFinishRate', false],
    ]);
    // Long contexts scale the drawn probability, as in the worker.
    expect(clean[0]!.probability).toBeGreaterThan(defaults.malformedArgumentsRate);
  });

  it('counts a repeat of a failed call, and a finish a harness answered that was followed by more work', () => {
    const steps = [
      { name: 'take', arguments: GOOD_TAKE, result: 'Nothing happens.' },
      { name: 'take', arguments: GOOD_TAKE, result: 'Nothing happens.' },
      { name: 'finish', result: 'Not finished yet. Check each condition.' },
      { name: 'look', result: 'You are in the kitchen.' },
      { name: 'take', arguments: GOOD_TAKE, result: 'You pick up the mug 1 from the desk 1.' },
      { name: 'finish' },
    ];
    const decisions = failureDecisions(syntheticTrajectory('r', steps, 1, 0.5), true, defaults);
    expect(decisions.map(({ rate, fired }) => [rate, fired])).toEqual([
      ['malformedArgumentsRate', false],
      ['repeatFailedActionRate', true],
      // The finish follows a failure: an early-finish draw, and a repeat draw that did not fire.
      ['earlyFinishRate', true],
      ['repeatFailedActionRate', false],
      ['malformedArgumentsRate', false],
    ]);
  });
});

describe('trainSimulatedPolicy (simulation of fine-tuning)', () => {
  it('lowers malformedArgumentsRate when garbled trajectories carry negative advantages', () => {
    const { options, report } = trainSimulatedPolicy({
      groups: malformedIsWorseGroups(),
      options: {},
      learningRate: 1,
    });
    expect(report.simulation).toBe(true);
    expect(report.note).toMatch(/simulation of fine-tuning/i);
    expect(report.rates.malformedArgumentsRate).toMatchObject({ decisions: 6, fired: 3 });
    expect(options.malformedArgumentsRate).toBeLessThan(defaults.malformedArgumentsRate);
    expect(options.earlyFinishRate).toBeLessThan(defaults.earlyFinishRate);
    // No draws of these in the data: they stay where they were.
    expect(options.repeatFailedActionRate).toBe(defaults.repeatFailedActionRate);
    expect(options.ignoreLastToolResultRate).toBe(defaults.ignoreLastToolResultRate);
    expect(options.modelId).toBe(simulatedModelVersion(options));
    expect(report.modelAfter).not.toBe(report.modelBefore);
    expect(report.offPolicyGroups).toBe(0);
  });

  it('raises the rate instead when the same garbled trajectories are the better ones', () => {
    const flipped = withAdvantages(malformedIsWorseGroups(), (index) => (index % 2 === 0 ? -0.5 : 0.5));
    const { options } = trainSimulatedPolicy({ groups: flipped, options: {}, learningRate: 1 });
    expect(options.malformedArgumentsRate).toBeGreaterThan(defaults.malformedArgumentsRate);
  });

  it('changes nothing, model id included, when every advantage is zero', () => {
    const zero = withAdvantages(malformedIsWorseGroups(), () => 0);
    const { options, report } = trainSimulatedPolicy({ groups: zero, options: {}, learningRate: 5 });
    expect(options).toEqual(defaults);
    for (const rate of TRAINED_RATES) expect(report.rates[rate].deltaLogit).toBe(0);
  });

  it('does not depend on the order of groups or trajectories', () => {
    const groups = malformedIsWorseGroups();
    const permuted = [...groups]
      .reverse()
      .map((group) => ({ ...group, trajectories: [...group.trajectories].reverse() }));
    const first = trainSimulatedPolicy({ groups, options: {}, learningRate: 0.7 });
    const second = trainSimulatedPolicy({ groups: permuted, options: {}, learningRate: 0.7 });
    expect(second).toEqual(first);
  });

  it('clips each step to the trust region', () => {
    const { options, report } = trainSimulatedPolicy({
      groups: malformedIsWorseGroups(),
      options: {},
      learningRate: 1e6,
      trustRegion: 0.25,
    });
    const update = report.rates.malformedArgumentsRate;
    expect(update.clipped).toBe(true);
    expect(update.deltaLogit).toBe(-0.25);
    expect(logit(options.malformedArgumentsRate) - logit(defaults.malformedArgumentsRate)).toBeCloseTo(
      -0.25,
      12,
    );
  });

  it('keeps every rate in [0.001, 0.999] and every step within the trust region for any advantages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        fc.constantFrom(0.0005, 0.5, 0.9995),
        (advantages, learningRate, start) => {
          const groups = withAdvantages(malformedIsWorseGroups(), (index) => advantages[index] ?? 0);
          const startOptions = { malformedArgumentsRate: start, earlyFinishRate: start };
          const { options, report } = trainSimulatedPolicy({
            groups,
            options: startOptions,
            learningRate,
            trustRegion: 20,
          });
          for (const rate of TRAINED_RATES) {
            expect(Math.abs(report.rates[rate].deltaLogit)).toBeLessThanOrEqual(20);
            if (report.rates[rate].deltaLogit === 0) continue;
            expect(options[rate]).toBeGreaterThanOrEqual(0.001);
            expect(options[rate]).toBeLessThanOrEqual(0.999);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports groups sampled by another model id', () => {
    const groups = [
      ...malformedIsWorseGroups(),
      syntheticGroup(
        'task-z',
        [syntheticTrajectory('z1', cleanSteps, 1, 0.5), syntheticTrajectory('z2', garbledSteps, 0, -0.5)],
        'sim-0123456789abcdef',
      ),
    ];
    expect(trainSimulatedPolicy({ groups, options: {}, learningRate: 1 }).report.offPolicyGroups).toBe(1);
  });

  it('rejects a bad configuration, bad options or a bad group with an InputError naming the field', () => {
    const groups = malformedIsWorseGroups();
    expect(() => trainSimulatedPolicy({ groups, options: {}, learningRate: -1 })).toThrow(InputError);
    expect(() => trainSimulatedPolicy({ groups, options: {}, learningRate: 1, trustRegion: 0 })).toThrow(
      /trustRegion/,
    );
    expect(() => trainSimulatedPolicy({ groups, options: { earlyFinishRate: 2 }, learningRate: 1 })).toThrow(
      /earlyFinishRate/,
    );
    const broken = [{ ...groups[0]!, trajectories: [groups[0]!.trajectories[0]!] }];
    expect(() => trainSimulatedPolicy({ groups: broken, options: {}, learningRate: 1 })).toThrow(
      /trajectories/,
    );
  });
});

describe('simulatedModelVersion', () => {
  it('is stable, fills defaults, ignores modelId and changes with any knob', () => {
    const id = simulatedModelVersion({});
    expect(id).toMatch(/^sim-[0-9a-f]{16}$/);
    expect(simulatedModelVersion({ ...defaults })).toBe(id);
    expect(simulatedModelVersion({ modelId: 'other' })).toBe(id);
    expect(simulatedModelVersion({ earlyFinishRate: 0.11 })).not.toBe(id);
    expect(() => simulatedModelVersion({ earlyFinishRate: -1 } as never)).toThrow(InputError);
  });
});
