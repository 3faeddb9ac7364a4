/** The critic: pure reward-hacking and bad-edit checks, and the policy that turns them into a verdict. */
export { checkAnswerLeakage } from './check-answer-leakage.ts';
export { checkConstraintRelaxation } from './check-constraint-relaxation.ts';
export type { CheckFinding } from './check-finding.ts';
export { checkGainConcentration } from './check-gain-concentration.ts';
export { checkObservabilityRemoved } from './check-observability-removed.ts';
export {
  checkRewardSuccessDecoupling,
  type DecouplingThresholds,
} from './check-reward-success-decoupling.ts';
export { checkVerificationRemoved } from './check-verification-removed.ts';
export {
  type CriticInput,
  type CriticOptions,
  criticOptionsSchema,
  type LeakageCorpus,
  leakageCorpusSchema,
  validateCriticInput,
} from './critic-input.ts';
export {
  compareEvaluations,
  type EvaluationComparison,
  type PooledRates,
  type TaskDelta,
} from './evaluation-comparison.ts';
export { CRITIC_SEVERITIES, judgeCandidate, runCriticChecks } from './judge-candidate.ts';
export {
  builtinProcessorDimensions,
  type ProcessorDimensions,
  removedProcessorsOfDimension,
} from './removed-processors.ts';
export { normaliseText, specTextSurfaces, type TextSurface } from './spec-text-surfaces.ts';
