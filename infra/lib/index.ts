/** The infra's public surface, for apps that put the foundry into their own CDK app. */
export { ArtifactBucket, type ArtifactBucketProps } from './constructs/artifact-bucket.ts';
export { FoundryAlarms, type FoundryAlarmsProps } from './constructs/foundry-alarms.ts';
export { FoundryTables, type FoundryTablesProps } from './constructs/foundry-tables.ts';
export { HarnessFunction, type HarnessFunctionProps } from './constructs/harness-function.ts';
export { PipelineStage, type PipelineStageProps } from './constructs/pipeline-stage.ts';
export { QuickJsSandboxLayer, type QuickJsSandboxLayerProps } from './constructs/quickjs-sandbox-layer.ts';
export { TrainerCode, type TrainerCodeProps } from './constructs/trainer-code.ts';
export { TrainingEventsRule, type TrainingEventsRuleProps } from './constructs/training-events-rule.ts';
export {
  BASE_MODELS_PREFIX,
  TrainingJobRole,
  type TrainingJobRoleProps,
} from './constructs/training-job-role.ts';
export { CONTEXT_KEYS } from './foundry-context.ts';
export { HarnessFoundry, type HarnessFoundryProps } from './harness-foundry.ts';
export { type FoundryProjectFiles, loadFoundryProjectFiles } from './project-files.ts';
export { HarnessFoundryStack, type HarnessFoundryStackProps } from './stacks/harness-foundry-stack.ts';
export { STORE_ACCESS, type StoreAccess } from './store-access.ts';
export { packTrainer, type TrainerPackage } from './trainer-package.ts';
