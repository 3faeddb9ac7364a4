import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from '../artifacts/common.ts';
import { analyseTrajectory, findFailures } from './analyse-trajectory.ts';
import { parseDigestOptions } from './digest-options.ts';
import { FAILURE_PRECEDENCE, pickByPrecedence } from './failure-precedence.ts';
import { buildTrajectory, steps, type TrajectorySpec } from './test-support/trajectory-builder.ts';
import { createToolCallSignals } from './tool-call-signals.ts';

const options = {
  signals: createToolCallSignals(
    parseDigestOptions({ cycleId: 'test-c001', harnessContentId: `sha256:${'0'.repeat(64)}` }),
  ),
  excerptChars: 160,
  evidencePerTrajectory: 3,
};
/** `unknown` is the fallback every failed episode has; the tests list it where it shows. */
const classesFound = (spec: TrajectorySpec) =>
  findFailures(buildTrajectory(spec), options)
    .map((finding) => finding.failureClass)
    .sort();
const classOf = (spec: TrajectorySpec) =>
  analyseTrajectory(buildTrajectory(spec), options).digest.failureClass;

const budgetEvent = (turn: number) => [{ name: 'budget-exhausted', turn, attributes: { budget: 'turns' } }];
const openFridge = () => steps.nothing('open', { target: 'fridge 1' });

describe('failure precedence', () => {
  it('orders every failure class except none exactly once', () => {
    expect([...FAILURE_PRECEDENCE].sort()).toEqual(FAILURE_CLASSES.filter((c) => c !== 'none').sort());
  });

  it('pickByPrecedence keeps the finding nearest the cause, whatever the input order', () => {
    const early = { failureClass: 'early-finish' as const, evidence: [] };
    const loop = { failureClass: 'repeated-failed-action' as const, evidence: [] };
    expect(pickByPrecedence([early, loop])).toBe(loop);
    expect(pickByPrecedence([loop, early])).toBe(loop);
    expect(pickByPrecedence([])).toBeUndefined();
  });

  it('a loop that exhausted the budget is the cause, not the budget or the re-observations', () => {
    const spec: TrajectorySpec = {
      outcome: 'budget-exhausted',
      success: false,
      turns: [[steps.look()], [openFridge()], [steps.look()], [openFridge()], [steps.look()]],
      events: budgetEvent(5),
    };
    expect(classesFound(spec)).toEqual([
      'invalid-action',
      'lost-state',
      'repeated-failed-action',
      'turn-budget-exhausted',
      'unknown',
    ]);
    expect(classOf(spec)).toBe('repeated-failed-action');
  });

  it('malformed arguments beat lost state, lost state beats invalid actions, when a budget ran out', () => {
    const base = [[steps.look()], [steps.look()], [steps.look()]];
    const invalid = [[steps.nothing('put', { object: 'a' })], [steps.nothing('put', { object: 'b' })]];
    const malformed = [[steps.badJson('take', '{x')], [steps.badJson('take', '{y')]];
    const run = (turns: TrajectorySpec['turns']): TrajectorySpec => ({
      outcome: 'budget-exhausted',
      success: false,
      // A success last, so nothing is "still stuck" and only the wasted-steps rule applies.
      turns: [...turns, [steps.goTo('table 1')]],
      events: budgetEvent(turns.length + 1),
    });
    expect(classOf(run([...base, ...invalid, ...malformed]))).toBe('malformed-arguments');
    expect(classOf(run([...base, ...invalid]))).toBe('lost-state');
    expect(classOf(run(invalid))).toBe('invalid-action');
  });

  it('a single slip does not explain a budget that ran out: the budget class does', () => {
    const spec: TrajectorySpec = {
      outcome: 'budget-exhausted',
      success: false,
      turns: [[steps.look()], [steps.nothing('put', { object: 'a' })], [steps.goTo('table 1')]],
      events: budgetEvent(3),
    };
    expect(classesFound(spec)).toEqual(['turn-budget-exhausted', 'unknown']);
  });

  it('a failure the agent recovered from is not the cause of an early finish', () => {
    const spec: TrajectorySpec = {
      outcome: 'failure',
      success: false,
      turns: [
        [steps.badJson('take', '{"object": "mug 1"')],
        [steps.badJson('take', '{"object": "mug 1"')],
        [steps.goTo('table 1')],
        [steps.finish()],
      ],
    };
    expect(classesFound(spec)).toEqual(['early-finish', 'unknown']);
  });

  it('what the agent was stuck on when it ended beats the early finish', () => {
    const spec: TrajectorySpec = {
      outcome: 'failure',
      success: false,
      turns: [[steps.look()], [steps.nothing('put', { object: 'mug 1' })], [steps.finish()]],
    };
    expect(classesFound(spec)).toEqual(['early-finish', 'invalid-action', 'unknown']);
    expect(classOf(spec)).toBe('invalid-action');
  });

  it('a processor error beats what the agent did afterwards', () => {
    const spec: TrajectorySpec = {
      outcome: 'failure',
      success: false,
      turns: [[steps.look()], [openFridge()], [openFridge()], [steps.finish()]],
      events: [{ name: 'processor-error', turn: 0, attributes: { 'processor.id': 'loop-guard' } }],
    };
    expect(classOf(spec)).toBe('processor-error');
  });

  it('an episode that ended on model failures is a model error, even with processor errors before', () => {
    const error = { type: 'MODEL_BEHAVIOR', message: 'no usable answer' };
    const spec: TrajectorySpec = {
      outcome: 'error',
      success: false,
      turns: [[steps.look()], { modelError: error }, { modelError: error }],
      events: [{ name: 'processor-error', turn: 0, attributes: { 'processor.id': 'goal-pin' } }],
      error,
    };
    expect(classesFound(spec)).toEqual(['model-error', 'processor-error', 'unknown']);
    expect(classOf(spec)).toBe('model-error');
  });

  it('an aborted episode is aborted, whatever else happened', () => {
    const spec: TrajectorySpec = {
      outcome: 'aborted',
      success: false,
      turns: [[openFridge()], [openFridge()]],
      events: [{ name: 'processor-error', turn: 0, attributes: { 'processor.id': 'x' } }],
    };
    expect(classOf(spec)).toBe('aborted');
  });
});
