/**
 * The AEGIS cycle run apart, one stage per message: the logic is the in-process pipeline's own
 * stage functions (never a fork), with the cycle state in the store as the hand-over between them.
 */

export { type ErrorRecord, writeErrorRecord } from './error-records.ts';
export type { DistributedFoundry, StageRunOptions } from './foundry.ts';
export {
  currentWorkerModel,
  type ModelVersion,
  modelVersionKey,
  modelVersionSchema,
  registerModelVersion,
} from './model-versions.ts';
export { registerProject } from './project-registration.ts';
export { parseS3EventNotification, type S3ObjectRef } from './s3-event.ts';
export { handleStageMessage, type StageOutcome } from './stage-handlers.ts';
export { type IngestOutcome, ingestTraceObject } from './trace-ingest.ts';
export {
  completeTraining,
  type TrainingCompleteOutcome,
  type TrainingStateChange,
} from './training-complete.ts';
export {
  launchTraining,
  type TrainingJobRecord,
  type TrainingLaunchOutcome,
  type TrainingLaunchSettings,
  trainingJobKey,
} from './training-launch.ts';
