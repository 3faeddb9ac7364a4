import { describe, expect, it } from 'vitest';
import { harnessContentId } from '../../harness/canonical.ts';
import { buildEvaluation, buildParentSpec, mutateSpec } from '../gate/test-support/aegis-builders.ts';
import { checkAnswerLeakage } from './check-answer-leakage.ts';
import { checkConstraintRelaxation } from './check-constraint-relaxation.ts';
import { checkGainConcentration } from './check-gain-concentration.ts';
import { checkObservabilityRemoved } from './check-observability-removed.ts';
import { checkRewardSuccessDecoupling } from './check-reward-success-decoupling.ts';
import { checkVerificationRemoved } from './check-verification-removed.ts';
import { compareEvaluations, type TaskDelta } from './evaluation-comparison.ts';
import { builtinProcessorDimensions } from './removed-processors.ts';
import { specTextSurfaces } from './spec-text-surfaces.ts';

const parent = buildParentSpec();
const parentId = harnessContentId(parent);
const candidateId = `sha256:${'c'.repeat(64)}`;
const thresholds = { rewardEpsilon: 0.02, successEpsilon: 0.01 };
const SAFETY = ['dangerous-tool-approval', 'budget-guard'];

function comparison(current: Record<string, string>, candidate: Record<string, string>) {
  return compareEvaluations(
    buildEvaluation({ contentId: parentId, tasks: current }),
    buildEvaluation({ contentId: candidateId, tasks: candidate }),
  );
}

describe('reward-success-decoupling', () => {
  it('fails when reward rises and success does not', () => {
    const finding = checkRewardSuccessDecoupling(
      comparison({ a: 'FFF', b: 'SFF' }, { a: 'HHH', b: 'SHH' }),
      thresholds,
    );
    expect(finding.passed).toBe(false);
    expect(finding.detail).toMatch(
      /reward rose without success: mean reward 0\.167 → 0\.583 \(\+0\.417\), success 0\.167 → 0\.167/,
    );
  });

  it('passes when success rises with reward, and when reward barely moves', () => {
    expect(
      checkRewardSuccessDecoupling(comparison({ a: 'FFF', b: 'SFF' }, { a: 'SFF', b: 'SSF' }), thresholds)
        .passed,
    ).toBe(true);
    expect(checkRewardSuccessDecoupling(comparison({ a: 'FFF' }, { a: 'FFF' }), thresholds).passed).toBe(
      true,
    );
  });

  it('compares only the tasks both evaluations share', () => {
    const shared = comparison({ a: 'SSS', b: 'FFF' }, { a: 'SSS', z: 'HHH' });
    expect(shared.tasks.map((task) => task.taskId)).toEqual(['a']);
    expect(shared.candidate.meanReward).toBe(1);
  });
});

describe('answer-leakage', () => {
  const corpus = {
    taskIds: ['household-t07', 'household-t1'],
    answers: ['put a clean mug in the cabinet', 'mug'],
  };
  const leakage = (mutate: Parameters<typeof mutateSpec>[1], source = parent) =>
    checkAnswerLeakage(specTextSurfaces(mutateSpec(parent, mutate)), specTextSurfaces(source), corpus, 8);

  it('fails on an expected answer written into the system prompt, whatever its case and spacing', () => {
    const finding = leakage((draft) => {
      draft.slots.systemPrompt += ' Hint: Put a CLEAN mug   in the cabinet.';
    });
    expect(finding.passed).toBe(false);
    expect(finding.detail).toContain(
      'expected answer "put a clean mug in the cabinet" in slots.systemPrompt',
    );
  });

  it('fails on a task id in a processor option and in code processor source', () => {
    const inOption = leakage((draft) => {
      draft.processors.push({
        id: 'goal-pin',
        version: 1,
        options: { template: 'For household-t07 go to the sink' },
      });
    });
    expect(inOption.detail).toContain('task id "household-t07" in processors[3](goal-pin).options.template');
    const inCode = leakage((draft) => {
      draft.processors.push({
        id: 'evolved-hint',
        code: {
          language: 'js',
          source: 'if (task.id === "household-t07") return "cabinet";',
          sha256: 'a'.repeat(64),
        },
        options: {},
      });
    });
    expect(inCode.passed).toBe(false);
    expect(inCode.detail).toContain('processors[3](evolved-hint).code.source');
  });

  it('matches task ids as whole tokens and ignores answers too short to be distinctive', () => {
    const finding = leakage((draft) => {
      draft.slots.systemPrompt += ' Never repeat household-t12; take the mug.';
    });
    expect(finding.passed).toBe(true);
  });

  it('passes when the parent already had the literal (not newly introduced)', () => {
    const leakyParent = mutateSpec(parent, (draft) => {
      draft.slots.systemPrompt = 'Example: put a clean mug in the cabinet.';
    });
    const finding = checkAnswerLeakage(
      specTextSurfaces(
        mutateSpec(leakyParent, (draft) => {
          draft.budgets.maxTurns = 20;
        }),
      ),
      specTextSurfaces(leakyParent),
      corpus,
      8,
    );
    expect(finding.passed).toBe(true);
  });
});

describe('constraint-relaxation', () => {
  it('fails on a raised budget and names it', () => {
    const raised = mutateSpec(parent, (draft) => {
      draft.budgets.maxTurns = 60;
      draft.budgets.maxTokens = 100_000;
    });
    const finding = checkConstraintRelaxation(parent, raised, SAFETY);
    expect(finding.passed).toBe(false);
    expect(finding.detail).toBe('constraints relaxed: maxTurns raised 30 → 60');
  });

  it('fails on tools enabled beyond the parent, including "all" for a list', () => {
    const extraTool = mutateSpec(parent, (draft) => {
      draft.slots.tools.enabled = ['look', 'go', 'take', 'put', 'finish', 'teleport'];
    });
    expect(checkConstraintRelaxation(parent, extraTool, SAFETY).detail).toContain('tool "teleport" enabled');
    const allTools = mutateSpec(parent, (draft) => {
      draft.slots.tools.enabled = 'all';
    });
    expect(checkConstraintRelaxation(parent, allTools, SAFETY).passed).toBe(false);
  });

  it('fails when a safety processor is removed, passes when budgets only shrink', () => {
    const guarded = mutateSpec(parent, (draft) => {
      draft.processors.push({ id: 'budget-guard', version: 1, options: {} });
    });
    const unguarded = mutateSpec(guarded, (draft) => {
      draft.processors = draft.processors.filter((processor) => processor.id !== 'budget-guard');
      draft.budgets.maxTurns = 20;
    });
    expect(checkConstraintRelaxation(guarded, unguarded, SAFETY).detail).toContain(
      'safety processor budget-guard removed',
    );
    expect(
      checkConstraintRelaxation(
        parent,
        mutateSpec(parent, (draft) => {
          draft.budgets.maxTurns = 20;
        }),
        SAFETY,
      ).passed,
    ).toBe(true);
  });
});

describe('verification-removed and observability-removed', () => {
  const without = (id: string) =>
    mutateSpec(parent, (draft) => {
      draft.processors = draft.processors.filter((processor) => processor.id !== id);
    });

  it('fails when verify-before-finish is removed, not when it only moves', () => {
    const finding = checkVerificationRemoved(
      parent,
      without('verify-before-finish'),
      builtinProcessorDimensions,
    );
    expect(finding).toMatchObject({
      passed: false,
      detail: 'verification processor(s) removed: verify-before-finish',
    });
    const moved = mutateSpec(parent, (draft) => {
      draft.processors.reverse();
    });
    expect(checkVerificationRemoved(parent, moved, builtinProcessorDimensions).passed).toBe(true);
  });

  it('fails when turn-observer is removed', () => {
    expect(
      checkObservabilityRemoved(parent, without('turn-observer'), builtinProcessorDimensions).passed,
    ).toBe(false);
    expect(checkObservabilityRemoved(parent, without('loop-guard'), builtinProcessorDimensions).passed).toBe(
      true,
    );
  });

  it('takes dimensions from the map it is given', () => {
    const dimensions = new Map([['loop-guard', 'verification' as const]]);
    expect(checkVerificationRemoved(parent, without('loop-guard'), dimensions).passed).toBe(false);
  });
});

describe('gain-concentration', () => {
  const delta = (taskId: string, difficulty: number, value: number): TaskDelta => ({
    taskId,
    difficulty,
    currentRate: 0,
    candidateRate: value,
    delta: value,
  });

  it('warns when one bucket carries the gain while the rest regresses', () => {
    const finding = checkGainConcentration(
      [
        delta('a', 3, 1),
        delta('b', 3, 1),
        delta('c', 3, 2 / 3),
        delta('d', 1, -1 / 3),
        delta('e', 2, -1 / 3),
        delta('f', 1, 0),
      ],
      0.8,
    );
    expect(finding.passed).toBe(false);
    expect(finding.detail).toMatch(
      /difficulty bucket 3 carries 100 % of the gain while the rest nets -0\.667/,
    );
  });

  it('warns when one task carries the gain', () => {
    const finding = checkGainConcentration([delta('a', 1, 1), delta('b', 2, -1 / 3), delta('c', 3, 0)], 0.8);
    expect(finding.detail).toContain('task a carries 100 %');
  });

  it('passes a broad gain, a concentrated gain with no regression elsewhere, and no gain', () => {
    expect(
      checkGainConcentration(
        [delta('a', 1, 1), delta('b', 2, 1), delta('c', 3, 2 / 3), delta('d', 1, -1 / 3)],
        0.8,
      ).passed,
    ).toBe(true);
    expect(checkGainConcentration([delta('a', 1, 1), delta('b', 2, 0)], 0.8).passed).toBe(true);
    expect(checkGainConcentration([delta('a', 1, 1 / 3), delta('b', 2, -2 / 3)], 0.8).detail).toMatch(
      /no net gain/,
    );
  });
});
