/**
 * The state one gate decision shares between its rules: the validated input and options, and the
 * derived numbers more than one rule uses (counts, flips, the candidate's held-out evaluation),
 * each computed once.
 */
import type { Evaluation } from '../artifacts/evaluation.ts';
import type { GateRule } from '../artifacts/gate-decision.ts';
import { countTaskOutcomes, type TaskOutcomeCounts } from './evaluation-counts.ts';
import { assertCandidateEvaluation, type GateInput, type GateOptions } from './gate-input.ts';
import { measureTaskFlips, type TaskFlip } from './noise-floor.ts';

/** A rule's verdict before the gate stamps it with the rule id. */
export interface RuleOutcome {
  outcome: 'pass' | 'fail';
  inputs: Record<string, unknown>;
  detail: string;
}

export interface GateContext {
  readonly input: GateInput;
  readonly options: GateOptions;
  currentAdaptationCounts(): Map<string, TaskOutcomeCounts>;
  /** Per-task flip rates of the current version against its replicate, every adaptation task. */
  taskFlips(): TaskFlip[];
  candidateHeldout(): Promise<Evaluation>;
}

export type GateRuleCheck = (context: GateContext) => RuleOutcome | Promise<RuleOutcome>;
export type GateRuleTable = readonly (readonly [GateRule, GateRuleCheck])[];

function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

export function createGateContext(input: GateInput, options: GateOptions): GateContext {
  const currentAdaptationCounts = once(() =>
    countTaskOutcomes(input.evaluations.currentAdaptation, 'evaluations.currentAdaptation'),
  );
  const taskFlips = once(() =>
    measureTaskFlips(
      currentAdaptationCounts(),
      countTaskOutcomes(input.evaluations.currentReplicate, 'evaluations.currentReplicate'),
    ),
  );
  const candidateHeldout = once(async () => {
    const source = input.evaluations.candidateHeldout;
    const evaluation = typeof source === 'function' ? await source() : source;
    return assertCandidateEvaluation('candidateHeldout', evaluation, input.candidate.contentId);
  });
  return { input, options, currentAdaptationCounts, taskFlips, candidateHeldout };
}

/** Keeps a rule's prose within the artifact's limit, saying that it was cut. */
export function boundedDetail(text: string, limit = 4000): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 20)} … (truncated)`;
}

export const formatRate = (value: number): string => value.toFixed(3);
