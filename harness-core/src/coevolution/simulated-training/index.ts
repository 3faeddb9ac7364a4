/**
 * Simulated training (a simulation of fine-tuning): trains the simulated worker test double's
 * failure rates from cross-harness GRPO groups, standing in for LoRA on a real model's weights.
 */
export type { FailureDecision, TrainedRate } from './failure-decisions.ts';
export { failureDecisions, TRAINED_RATES, UNOBSERVABLE_RATES } from './failure-decisions.ts';
export { SIMULATED_MODEL_PREFIX, simulatedModelVersion } from './model-version.ts';
export type {
  RateUpdate,
  SimulatedTrainingConfig,
  SimulatedTrainingReport,
  TrainSimulatedPolicyInput,
  TrainSimulatedPolicyResult,
} from './train-simulated-policy.ts';
export {
  SIMULATED_TRAINING_REPORT_SCHEMA_ID,
  simulatedTrainingConfigSchema,
  trainSimulatedPolicy,
} from './train-simulated-policy.ts';
