/**
 * Seeded bad candidates go through the critic and then the gate, as in a cycle; each must be
 * rejected by the stage and for the reason it was seeded with. Good candidates pass both.
 */
import { describe, expect, it } from 'vitest';
import type { HarnessSpec } from '../../harness/spec.ts';
import type { Candidate } from '../artifacts/candidate.ts';
import type { GateRule } from '../artifacts/gate-decision.ts';
import type { CriticCheckId } from '../artifacts/verdict.ts';
import { judgeCandidate } from '../critic/judge-candidate.ts';
import { decideGate } from './decide-gate.ts';
import { buildCandidate, mutateSpec } from './test-support/aegis-builders.ts';
import {
  CANDIDATE_ADAPTATION,
  CURRENT_ADAPTATION,
  defaultCandidate,
  type GateScenarioProps,
  gateScenario,
} from './test-support/gate-scenario.ts';

const LEAKAGE_CORPUS = {
  taskIds: ['t01', 't02', 't03', 't11', 'h01', 'h07'],
  answers: ['put a clean mug in cabinet 2', 'heat the potato and put it on the countertop'],
};

function edited(mutate: (draft: HarnessSpec) => void, changes: Candidate['manifest']['changes']) {
  return (parent: HarnessSpec) => buildCandidate({ parent, spec: mutateSpec(parent, mutate), changes });
}

interface SeededCase {
  name: string;
  scenario: GateScenarioProps;
  rejectedBy: { critic: CriticCheckId } | { gate: GateRule } | 'accepted';
}

const CASES: SeededCase[] = [
  {
    name: 'a prompt that leaks an expected answer (held-out task)',
    scenario: {
      candidate: edited(
        (draft) => {
          draft.slots.systemPrompt += ' Tip: heat the potato and put it on the countertop.';
        },
        [{ kind: 'set-system-prompt', target: 'systemPrompt' }],
      ),
    },
    rejectedBy: { critic: 'answer-leakage' },
  },
  {
    name: 'a raised turn budget',
    scenario: {
      candidate: edited(
        (draft) => {
          draft.budgets.maxTurns = 60;
        },
        [{ kind: 'set-budget', target: 'maxTurns', after: 60 }],
      ),
    },
    rejectedBy: { critic: 'constraint-relaxation' },
  },
  {
    name: 'verify-before-finish removed',
    scenario: {
      candidate: edited(
        (draft) => {
          draft.processors = draft.processors.filter((processor) => processor.id !== 'verify-before-finish');
        },
        [{ kind: 'remove-processor', target: 'verify-before-finish' }],
      ),
    },
    rejectedBy: { critic: 'verification-removed' },
  },
  {
    name: 'a candidate that wins reward but not success',
    scenario: { candidateAdaptation: { ...CURRENT_ADAPTATION, t08: 'SSH', t11: 'HHH', t12: 'SHH' } },
    rejectedBy: { critic: 'reward-success-decoupling' },
  },
  {
    name: 'a regression on a solved task',
    scenario: { candidateAdaptation: { ...CANDIDATE_ADAPTATION, t04: 'FFF' } },
    rejectedBy: { gate: 'no-solved-task-regression' },
  },
  {
    name: 'a manifest that omits a change',
    scenario: {
      candidate: edited(
        (draft) => {
          draft.processors.push({ id: 'goal-pin', version: 1, options: {} });
          draft.slots.memory.kind = 'episode';
        },
        [{ kind: 'add-processor', target: 'goal-pin' }],
      ),
    },
    rejectedBy: { gate: 'manifest-complete' },
  },
  {
    name: 'a wrong content id',
    scenario: {
      candidate: (parent) => ({ ...defaultCandidate(parent), contentId: `sha256:${'0'.repeat(64)}` }),
    },
    rejectedBy: { gate: 'canonical-form' },
  },
  {
    name: 'a failing build (smoke test of a code processor)',
    scenario: {
      build: () => ({ ok: false, errors: ['code processor "evolved-hint": smoke test exceeded 50 ms'] }),
    },
    rejectedBy: { gate: 'build-and-smoke' },
  },
  {
    name: 'a held-out regression',
    scenario: {
      candidateHeldout: {
        h01: 'SFF',
        h02: 'SSS',
        h03: 'SFF',
        h04: 'SSS',
        h05: 'SSS',
        h06: 'FFF',
        h07: 'FFF',
        h08: 'FFF',
      },
    },
    rejectedBy: { gate: 'no-heldout-regression' },
  },
  { name: 'a good candidate adding goal-pin', scenario: {}, rejectedBy: 'accepted' },
  {
    name: 'a good candidate tightening the tool-call budget and adding a verification processor',
    scenario: {
      candidate: edited(
        (draft) => {
          draft.budgets.maxToolCalls = 35;
          draft.processors.push({ id: 'failure-reflection', version: 1, options: {} });
        },
        [
          { kind: 'set-budget', target: 'budgets.maxToolCalls', before: 40, after: 35 },
          { kind: 'add-processor', target: 'failure-reflection' },
        ],
      ),
    },
    rejectedBy: 'accepted',
  },
];

describe('seeded bad candidates', () => {
  for (const seeded of CASES) {
    it(`${seeded.rejectedBy === 'accepted' ? 'accepts' : 'rejects'} ${seeded.name}`, async () => {
      const scenario = gateScenario(seeded.scenario);
      const verdict = judgeCandidate({
        candidate: scenario.candidate,
        parentSpec: scenario.parent,
        candidateEvaluation: scenario.input.evaluations.candidateAdaptation,
        currentEvaluation: scenario.input.evaluations.currentAdaptation,
        leakageCorpus: LEAKAGE_CORPUS,
      });
      if (typeof seeded.rejectedBy === 'object' && 'critic' in seeded.rejectedBy) {
        expect(verdict.decision).toBe('reject');
        expect(verdict.reasons).toHaveLength(1);
        expect(verdict.reasons[0]).toMatch(new RegExp(`^${seeded.rejectedBy.critic}: `));
        return;
      }
      expect(verdict.decision).toBe('pass');
      const decision = await decideGate(scenario.input);
      if (seeded.rejectedBy === 'accepted') {
        expect(decision.rules.map((rule) => rule.outcome)).toEqual(Array(6).fill('pass'));
        expect(decision.accepted).toBe(true);
        return;
      }
      expect(decision.accepted).toBe(false);
      const failed = decision.rules.filter((rule) => rule.outcome === 'fail');
      expect(failed.map((rule) => rule.rule)).toEqual([seeded.rejectedBy.gate]);
    });
  }
});
