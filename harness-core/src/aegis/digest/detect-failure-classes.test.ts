import { describe, expect, it } from 'vitest';
import { analyseTrajectory } from './analyse-trajectory.ts';
import { parseDigestOptions } from './digest-options.ts';
import { buildTrajectory, steps, type TrajectorySpec, toolStep } from './test-support/trajectory-builder.ts';
import { createToolCallSignals } from './tool-call-signals.ts';

const defaults = parseDigestOptions({ cycleId: 'test-c001', harnessContentId: `sha256:${'0'.repeat(64)}` });

function classify(
  spec: TrajectorySpec,
  overrides: { finishToolNames?: string[]; failurePatterns?: string[] } = {},
) {
  const signals = createToolCallSignals({ ...defaults, ...overrides });
  return analyseTrajectory(buildTrajectory(spec), { signals, excerptChars: 160, evidencePerTrajectory: 3 })
    .digest;
}

const fails = { outcome: 'failure' as const, success: false };
const runsOut = (turns: TrajectorySpec['turns'], budget = 'turns'): TrajectorySpec => ({
  outcome: 'budget-exhausted',
  success: false,
  turns,
  events: [{ name: 'budget-exhausted', turn: turns.length, attributes: { budget } }],
});

describe('failure classes on hand-built trajectories', () => {
  it('early-finish: a finish call while the task is not solved, at the finishing turn', () => {
    const digest = classify({
      ...fails,
      turns: [[steps.look()], [steps.goTo('fridge 1')], [steps.finish()]],
    });
    expect(digest).toMatchObject({ failureClass: 'early-finish', turn: 2, tool: 'finish' });
    expect(digest.evidence[0]?.excerpt).toContain('finish({})');
  });

  it('early-finish: a final text without tool calls', () => {
    const digest = classify({ ...fails, turns: [[steps.look()], { text: 'I have put the mug away.' }] });
    expect(digest).toMatchObject({ failureClass: 'early-finish', turn: 1 });
    expect(digest.tool).toBeUndefined();
    expect(digest.evidence[0]?.excerpt).toBe('final text: I have put the mug away.');
  });

  it('early-finish recognises every documented finish-like name, case- and dash-insensitively', () => {
    for (const name of ['submit', 'done', 'Final-Answer', 'stop']) {
      const digest = classify({ ...fails, turns: [[steps.look()], [toolStep(name, {}, 'ok')]] });
      expect(digest.failureClass).toBe('early-finish');
    }
    // A custom finish name is skipped when looking for what the agent was stuck on before ending.
    const spec: TrajectorySpec = {
      ...fails,
      turns: [
        [steps.nothing('put', { object: 'mug 1' })],
        [toolStep('answer_question', { answer: '4' }, 'Recorded.')],
      ],
    };
    expect(classify(spec)).toMatchObject({ failureClass: 'early-finish', tool: 'answer_question' });
    expect(classify(spec, { finishToolNames: ['answer_question'] })).toMatchObject({
      failureClass: 'invalid-action',
      tool: 'put',
    });
  });

  it('malformed-arguments: runtime JSON errors the agent was still stuck on', () => {
    const digest = classify({
      ...fails,
      turns: [
        [steps.look()],
        [steps.badJson('take', '{"object": "mug 1"')],
        [steps.badJson('take', "{'object': 'mug 1'}")],
        [steps.finish()],
      ],
    });
    expect(digest).toMatchObject({ failureClass: 'malformed-arguments', turn: 1, tool: 'take' });
    expect(digest.evidence).toHaveLength(2);
    expect(digest.evidence[0]?.excerpt).toContain('not valid JSON');
  });

  it('malformed-arguments: schema errors from a processor or from the tool itself', () => {
    const fromProcessor = toolStep(
      'put',
      { obj: 'mug 1' },
      'Error: put expects {"object": string}; missing "object".',
      {
        isError: true,
        source: 'processor',
      },
    );
    expect(
      classify({ ...fails, turns: [[steps.look()], [fromProcessor], [steps.finish()]] }).failureClass,
    ).toBe('malformed-arguments');
    const fromTool = toolStep(
      'put',
      { obj: 'mug 1' },
      'Error: put expects {"object": string}; unexpected "obj".',
      {
        isError: true,
      },
    );
    expect(classify({ ...fails, turns: [[fromTool]] }).failureClass).toBe('malformed-arguments');
  });

  it('repeated-failed-action: the same call failing twice, located at the repeat', () => {
    const digest = classify({
      ...fails,
      turns: [
        [steps.look()],
        [steps.nothing('open', { target: 'fridge 1' })],
        [steps.nothing('open', { target: 'fridge 1' })],
        [steps.finish()],
      ],
    });
    expect(digest).toMatchObject({ failureClass: 'repeated-failed-action', turn: 2, tool: 'open' });
  });

  it('repeated-failed-action: arguments that differ only in key order or spacing are the same call', () => {
    const digest = classify(
      runsOut([
        [toolStep('take', '{"object":"mug 1","source":"shelf 1"}', 'Nothing happens.', { isError: true })],
        [steps.look()],
        [
          toolStep('take', '{ "source": "shelf 1", "object": "mug 1" }', 'Nothing happens.', {
            isError: true,
          }),
        ],
        [steps.goTo('shelf 1')],
      ]),
    );
    expect(digest).toMatchObject({ failureClass: 'repeated-failed-action', turn: 2, tool: 'take' });
  });

  it('invalid-action: the last action failed in the world, then the agent ended', () => {
    const digest = classify({
      ...fails,
      turns: [
        [steps.look()],
        [steps.nothing('put', { object: 'mug 1', target: 'shelf 1' })],
        [steps.finish()],
      ],
    });
    expect(digest).toMatchObject({ failureClass: 'invalid-action', turn: 1, tool: 'put' });
    expect(digest.processor).toBeUndefined();
  });

  it('invalid-action: prose failures without isError count through the failure patterns', () => {
    const prose = toolStep('heat', { object: 'egg 1' }, 'Nothing happens.', { isError: false });
    expect(classify({ ...fails, turns: [[prose], [steps.finish()]] }).failureClass).toBe('invalid-action');
    expect(
      classify({ ...fails, turns: [[prose], [steps.finish()]] }, { failurePatterns: [] }).failureClass,
    ).toBe('early-finish');
  });

  it('invalid-action: a call a processor refused names that processor', () => {
    const denied = toolStep('delete_file', { path: 'a' }, 'Denied: this call needs approval.', {
      isError: true,
      source: 'processor',
    });
    const digest = classify({
      ...fails,
      turns: [[steps.look()], [denied], [steps.finish()]],
      events: [
        {
          name: 'processor-outcome',
          turn: 1,
          attributes: { 'processor.id': 'dangerous-tool-approval', hook: 'toolCall', outcome: 'intercept' },
        },
      ],
    });
    expect(digest).toMatchObject({ failureClass: 'invalid-action', processor: 'dangerous-tool-approval' });
  });

  it('lost-state: the same observation repeated when the budget ran out', () => {
    const digest = classify(
      runsOut([
        [steps.look()],
        [steps.goTo('drawer 1')],
        [steps.look()],
        [steps.goTo('drawer 1')],
        [steps.look()],
      ]),
    );
    expect(digest).toMatchObject({ failureClass: 'lost-state', turn: 2, tool: 'look' });
    expect(digest.evidence).toHaveLength(3);
  });

  it('lost-state: a result that changed is a new observation, not a repeat', () => {
    const digest = classify(
      runsOut([
        [toolStep('look', {}, 'On the shelf: a mug.')],
        [toolStep('look', {}, 'On the shelf: nothing.')],
        [toolStep('look', {}, 'On the shelf: a book.')],
      ]),
    );
    expect(digest.failureClass).toBe('turn-budget-exhausted');
  });

  it('turn-budget-exhausted and token-budget-exhausted from the budget event', () => {
    const progress = [[steps.look()], [steps.goTo('a 1')], [steps.goTo('b 1')]];
    expect(classify(runsOut(progress, 'turns'))).toMatchObject({
      failureClass: 'turn-budget-exhausted',
      turn: 2,
    });
    expect(classify(runsOut(progress, 'tool-calls')).failureClass).toBe('turn-budget-exhausted');
    expect(classify(runsOut(progress, 'wall-clock')).failureClass).toBe('turn-budget-exhausted');
    const tokens = classify(runsOut(progress, 'tokens'));
    expect(tokens.failureClass).toBe('token-budget-exhausted');
    expect(tokens.evidence[0]?.excerpt).toContain('budget=tokens');
  });

  it('model-error: the episode ended on failing model calls, located at the first of them', () => {
    const error = { type: 'TRANSIENT', message: '503 from the provider' };
    const digest = classify({
      outcome: 'error',
      success: false,
      turns: [[steps.look()], { modelError: error }, { modelError: error }, { modelError: error }],
      error,
    });
    expect(digest).toMatchObject({ failureClass: 'model-error', turn: 1 });
    expect(digest.evidence[0]?.excerpt).toBe('model error TRANSIENT: 503 from the provider');
  });

  it('processor-error: a processor-error event names the processor and its turn', () => {
    const digest = classify({
      ...fails,
      turns: [[steps.look()], [steps.goTo('a 1')], [steps.finish()]],
      events: [
        {
          name: 'processor-error',
          turn: 1,
          attributes: { 'processor.id': 'goal-pin', hook: 'modelRequest', message: 'returned a bad patch' },
        },
      ],
    });
    expect(digest).toMatchObject({ failureClass: 'processor-error', turn: 1, processor: 'goal-pin' });
  });

  it('processor-error: a strict-mode abort without events still names the processor', () => {
    const digest = classify({
      outcome: 'error',
      success: false,
      turns: [[steps.look()]],
      error: { type: 'PROCESSOR_CONTRACT', message: 'processor "loop-guard" broke the turnEnd contract: x' },
    });
    expect(digest).toMatchObject({ failureClass: 'processor-error', processor: 'loop-guard' });
  });

  it('aborted: the caller cancelled the episode', () => {
    const digest = classify({
      outcome: 'aborted',
      success: false,
      turns: [[steps.look()]],
      error: { type: 'ABORTED', message: 'the episode was aborted by its caller' },
    });
    expect(digest).toMatchObject({ failureClass: 'aborted', turn: 0 });
  });

  it('unknown: an interrupted episode with no other signal names the interrupting processor', () => {
    const digest = classify({
      outcome: 'interrupted',
      success: false,
      turns: [[steps.look()]],
      events: [
        {
          name: 'episode-interrupted',
          turn: 0,
          attributes: { 'processor.id': 'approval', reason: 'denied' },
        },
      ],
    });
    expect(digest).toMatchObject({ failureClass: 'unknown', processor: 'approval' });
  });

  it('no class on successful trajectories, whatever happened along the way', () => {
    const bumpy: TrajectorySpec['turns'] = [
      [steps.badJson('take', '{oops')],
      [steps.nothing('open', { target: 'fridge 1' })],
      [steps.nothing('open', { target: 'fridge 1' })],
      [steps.look()],
      [steps.look()],
      [steps.look()],
      [steps.finish()],
    ];
    for (const outcome of ['success', 'budget-exhausted'] as const) {
      const digest = classify({
        outcome,
        success: true,
        turns: bumpy,
        events: [{ name: 'processor-error', turn: 1, attributes: { 'processor.id': 'x' } }],
      });
      expect(digest).toMatchObject({ failureClass: 'none', success: true, evidence: [] });
      expect(digest.turn).toBeUndefined();
      expect(digest.tool).toBeUndefined();
    }
  });
});
