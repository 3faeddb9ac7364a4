/**
 * The AWS adapters of the ports (DESIGN §8), as `@harnessx/core/aws` exposes them to the functions.
 * Emulators, the local stack and the upload command live in `@harnessx/core/aws-local` (local.ts
 * here): they pull in fauxqs, dynalite and esbuild, which must never reach a Lambda bundle.
 */
export { awsErrorName, awsHttpStatus, toFoundryError } from './aws-errors.ts';
export { type AwsFoundry, type AwsFoundryOptions, createAwsFoundry } from './aws-foundry.ts';
export {
  type AwsClientOptions,
  createDynamoDbClient,
  createS3Client,
  createSqsClient,
  DEFAULT_AWS_REGION,
  resolveClientConfig,
} from './clients.ts';
export {
  createDynamoDbRegistry,
  type DynamoDbRegistryOptions,
  openDynamoDbRegistry,
} from './dynamodb-registry.ts';
export { type FunctionEnv, parseFunctionEnv } from './function-env.ts';
export { createS3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store.ts';
export {
  buildCreateTrainingJobRequest,
  CHECKPOINT_LOCAL_PATH,
  TRAINING_ENTRY_POINT,
  TRAINING_METRIC_DEFINITIONS,
} from './sagemaker/create-request.ts';
export { DLC_REGISTRY_ACCOUNTS, ecrDomain, resolveTrainingImageUri } from './sagemaker/image-uri.ts';
export {
  createSageMakerTrainingBackend,
  type SageMakerTrainingBackendOptions,
} from './sagemaker/sagemaker-training-backend.ts';
export {
  parseTrainingJobStateChange,
  TRAINING_STATE_CHANGE_DETAIL_TYPE,
  TRAINING_STATE_CHANGE_SOURCE,
  type TrainingJobStateChange,
} from './sagemaker/state-change-event.ts';
export { createSqsWorkQueue, type SqsWorkQueueOptions } from './sqs-work-queue.ts';
