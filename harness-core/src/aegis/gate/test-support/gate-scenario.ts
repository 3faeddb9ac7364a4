/**
 * One hand-built gate scenario: a parent with twelve adaptation tasks (ten solved), a candidate
 * that adds `goal-pin`, a replicate with one flip, and eight held-out tasks. Tests change one
 * piece and expect one rule to fail.
 */
import { harnessContentId } from '../../../harness/canonical.ts';
import type { HarnessSpec } from '../../../harness/spec.ts';
import type { Candidate } from '../../artifacts/candidate.ts';
import type { Evaluation } from '../../artifacts/evaluation.ts';
import type { GateBuildResult, GateInput } from '../gate-input.ts';
import {
  buildCandidate,
  buildEvaluation,
  buildParentSpec,
  mutateSpec,
  TEST_CYCLE_ID,
} from './aegis-builders.ts';

export type Outcomes = Record<string, string>;

/** Ten solved tasks (t01–t10), two unsolved (t11, t12). */
export const CURRENT_ADAPTATION: Outcomes = {
  t01: 'SSS',
  t02: 'SSS',
  t03: 'SSS',
  t04: 'SSS',
  t05: 'SSS',
  t06: 'SSS',
  t07: 'SSS',
  t08: 'SSF',
  t09: 'SSS',
  t10: 'SSS',
  t11: 'FFF',
  t12: 'SFF',
};
/** The same version on other seeds: one flip on t08. */
export const CURRENT_REPLICATE: Outcomes = { ...CURRENT_ADAPTATION, t08: 'SFF' };
/** The candidate keeps every solved task and unlocks t11. */
export const CANDIDATE_ADAPTATION: Outcomes = { ...CURRENT_ADAPTATION, t08: 'SSS', t11: 'SSF' };
export const CURRENT_HELDOUT: Outcomes = {
  h01: 'SSS',
  h02: 'SSS',
  h03: 'SSS',
  h04: 'SSS',
  h05: 'SSS',
  h06: 'SSS',
  h07: 'FFF',
  h08: 'FFF',
};
export const CANDIDATE_HELDOUT: Outcomes = { ...CURRENT_HELDOUT, h07: 'SSF' };

export const withDifficulty = (outcomes: Outcomes) =>
  Object.fromEntries(
    Object.entries(outcomes).map(([taskId, value], index) => [
      taskId,
      { outcomes: value, difficulty: (index % 3) + 1 },
    ]),
  );

export interface GateScenario {
  parent: HarnessSpec;
  candidate: Candidate;
  input: GateInput;
  buildCalls: HarnessSpec[];
  heldoutCalls: number;
}

export interface GateScenarioProps {
  candidate?: (parent: HarnessSpec) => Candidate;
  build?: (spec: HarnessSpec) => GateBuildResult | Promise<GateBuildResult>;
  candidateAdaptation?: Outcomes;
  candidateHeldout?: Outcomes;
  currentHeldout?: Outcomes;
  bestAccepted?: GateInput['bestAccepted'];
  evaluations?: (evaluations: Record<string, Evaluation>) => void;
}

export function defaultCandidate(parent: HarnessSpec): Candidate {
  const spec = mutateSpec(parent, (draft) => {
    draft.processors.push({ id: 'goal-pin', version: 1, options: {} });
  });
  return buildCandidate({ parent, spec, changes: [{ kind: 'add-processor', target: 'goal-pin' }] });
}

export function gateScenario(props: GateScenarioProps = {}): GateScenario {
  const parent = buildParentSpec();
  const currentContentId = harnessContentId(parent);
  const candidate = (props.candidate ?? defaultCandidate)(parent);
  const evaluations: Record<string, Evaluation> = {
    currentAdaptation: buildEvaluation({
      contentId: currentContentId,
      seed: 1,
      tasks: withDifficulty(CURRENT_ADAPTATION),
    }),
    currentReplicate: buildEvaluation({
      contentId: currentContentId,
      seed: 2,
      tasks: withDifficulty(CURRENT_REPLICATE),
    }),
    candidateAdaptation: buildEvaluation({
      contentId: candidate.contentId,
      candidateId: candidate.candidateId,
      seed: 1,
      tasks: withDifficulty(props.candidateAdaptation ?? CANDIDATE_ADAPTATION),
    }),
    currentHeldout: buildEvaluation({
      contentId: currentContentId,
      split: 'heldout',
      seed: 1,
      tasks: props.currentHeldout ?? CURRENT_HELDOUT,
    }),
    candidateHeldout: buildEvaluation({
      contentId: candidate.contentId,
      candidateId: candidate.candidateId,
      split: 'heldout',
      seed: 1,
      tasks: props.candidateHeldout ?? CANDIDATE_HELDOUT,
    }),
  };
  props.evaluations?.(evaluations);
  const scenario: GateScenario = {
    parent,
    candidate,
    buildCalls: [],
    heldoutCalls: 0,
    input: undefined as never,
  };
  scenario.input = {
    cycleId: TEST_CYCLE_ID,
    candidate,
    parentSpec: parent,
    currentContentId,
    build: (spec) => {
      scenario.buildCalls.push(spec);
      return props.build ? props.build(spec) : { ok: true, errors: [] };
    },
    evaluations: {
      currentAdaptation: evaluations['currentAdaptation']!,
      currentReplicate: evaluations['currentReplicate']!,
      candidateAdaptation: evaluations['candidateAdaptation']!,
      currentHeldout: evaluations['currentHeldout']!,
      candidateHeldout: async () => {
        scenario.heldoutCalls++;
        return evaluations['candidateHeldout']!;
      },
    },
    ...(props.bestAccepted ? { bestAccepted: props.bestAccepted } : {}),
  };
  return scenario;
}
