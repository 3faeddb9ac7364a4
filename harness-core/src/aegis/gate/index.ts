/** The deterministic gate: rules, their statistics and the spec diff the manifest is checked against. */
export { decideGate, GATE_RULE_TABLE, gateRejectionReasons } from './decide-gate.ts';
export {
  diffHarnessSpecs,
  type HarnessSpecDiff,
  processorKeys,
  type SpecDifference,
} from './diff-harness-specs.ts';
export { countTaskOutcomes, pooledSuccess, type TaskOutcomeCounts } from './evaluation-counts.ts';
export { binomialUpperTail, type HolmResult, holmBonferroni } from './exact-tests.ts';
export type { GateContext, RuleOutcome } from './gate-context.ts';
export {
  type BestAcceptedVersion,
  type GateBuild,
  type GateBuildResult,
  type GateEvaluations,
  type GateInput,
  type GateOptions,
  gateOptionsSchema,
} from './gate-input.ts';
export { compareManifestWithDiff, type ManifestComparison } from './manifest-completeness.ts';
export { measureTaskFlips, type NoiseFloor, poolNoiseFloor, type TaskFlip } from './noise-floor.ts';
export { heldoutMargin } from './rule-heldout.ts';
export { isSolved, type TaskRegression } from './rule-no-solved-task-regression.ts';
