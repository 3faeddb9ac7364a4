import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { verdictArtifact } from '../artifacts/verdict.ts';
import { buildCandidate, buildEvaluation, mutateSpec } from '../gate/test-support/aegis-builders.ts';
import {
  CURRENT_ADAPTATION,
  defaultCandidate,
  gateScenario,
  type Outcomes,
  withDifficulty,
} from '../gate/test-support/gate-scenario.ts';
import type { CriticInput } from './critic-input.ts';
import { judgeCandidate } from './judge-candidate.ts';

const CORPUS = { taskIds: ['t01', 't02', 'h01'], answers: ['put a clean mug in cabinet 2'] };

function criticInput(
  props: { revision?: 0 | 1; candidateOutcomes?: Outcomes; raiseTurns?: boolean } = {},
): CriticInput {
  const scenario = gateScenario();
  const base = defaultCandidate(scenario.parent);
  const candidate = props.raiseTurns
    ? buildCandidate({
        parent: scenario.parent,
        spec: mutateSpec(base.spec, (draft) => {
          draft.budgets.maxTurns = 45;
        }),
        changes: [...base.manifest.changes, { kind: 'set-budget', target: 'maxTurns', after: 45 }],
        revision: props.revision ?? 0,
      })
    : { ...base, revision: props.revision ?? 0 };
  return {
    candidate,
    parentSpec: scenario.parent,
    currentEvaluation: scenario.input.evaluations.currentAdaptation,
    candidateEvaluation: props.candidateOutcomes
      ? buildEvaluation({ contentId: candidate.contentId, tasks: withDifficulty(props.candidateOutcomes) })
      : { ...scenario.input.evaluations.candidateAdaptation, harnessContentId: candidate.contentId },
    leakageCorpus: CORPUS,
  };
}

/** All the gain in difficulty 2 (t08, t11), while t01 (difficulty 1) slips. */
const CONCENTRATED: Outcomes = { ...CURRENT_ADAPTATION, t08: 'SSS', t11: 'SSS', t01: 'SSF' };

describe('judgeCandidate', () => {
  it('passes a clean candidate with every check recorded as info', () => {
    const verdict = judgeCandidate(criticInput());
    expect(verdict.decision).toBe('pass');
    expect(verdict.reasons).toEqual([]);
    expect(verdict.checks.map((check) => `${check.id}:${check.severity}`)).toEqual([
      'reward-success-decoupling:info',
      'answer-leakage:info',
      'constraint-relaxation:info',
      'verification-removed:info',
      'observability-removed:info',
      'gain-concentration:info',
    ]);
    expect(verdictArtifact.safeParse(verdict).success).toBe(true);
  });

  it('rejects on any block, listing the reason', () => {
    const verdict = judgeCandidate(criticInput({ raiseTurns: true }));
    expect(verdict.decision).toBe('reject');
    expect(verdict.reasons).toEqual(['constraint-relaxation: constraints relaxed: maxTurns raised 30 → 45']);
  });

  it('asks for one revision on a warning at round 0, then passes with the warning recorded at round 1', () => {
    const first = judgeCandidate(criticInput({ candidateOutcomes: CONCENTRATED }));
    expect(first.decision).toBe('revise');
    expect(first.revisionRound).toBe(0);
    expect(first.reasons[0]).toMatch(/^gain-concentration: /);
    const second = judgeCandidate(criticInput({ candidateOutcomes: CONCENTRATED, revision: 1 }));
    expect(second.decision).toBe('pass');
    expect(second.revisionRound).toBe(1);
    expect(second.reasons[0]).toMatch(/^warning kept after the revision round: gain-concentration: /);
    expect(second.checks.find((check) => check.id === 'gain-concentration')?.severity).toBe('warn');
  });

  it('rejects a block even on the revision round, and a block outweighs a warning', () => {
    const verdict = judgeCandidate(criticInput({ candidateOutcomes: CONCENTRATED, raiseTurns: true }));
    expect(verdict.decision).toBe('reject');
    expect(verdict.reasons).toHaveLength(1);
  });

  it('refuses a held-out evaluation: the critic never sees that split', () => {
    const input = criticInput();
    input.candidateEvaluation = { ...input.candidateEvaluation, split: 'heldout' };
    const error = (() => {
      try {
        judgeCandidate(input);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      {
        path: 'candidateEvaluation.split',
        message: 'the critic sees the adaptation split only, never held-out',
      },
    ]);
  });

  it('refuses evaluations of another version and a malformed corpus', () => {
    const input = criticInput();
    input.currentEvaluation = { ...input.currentEvaluation, harnessContentId: `sha256:${'9'.repeat(64)}` };
    input.leakageCorpus = { taskIds: [''], answers: [] };
    expect(() => judgeCandidate(input)).toThrow(
      /currentEvaluation\.harnessContentId[\s\S]*leakageCorpus\.taskIds\[0\]/,
    );
  });
});
