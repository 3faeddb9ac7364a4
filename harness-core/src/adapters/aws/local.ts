/**
 * `@harnessx/core/aws-local`: the AWS side on one machine — the emulators (fauxqs, dynalite), the
 * S3 conditional-write proxy (a test double of S3's precondition), the local stack behind
 * `harnessx stack`, and the trace upload behind `harnessx upload`. Kept out of `@harnessx/core/aws`
 * so no Lambda bundle carries an emulator.
 */
export { type ConditionalPutProxy, startConditionalPutProxy } from './conditional-put-proxy.ts';
export {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type EmulatorOptions,
  emulatorClientOptions,
  type RunningEmulators,
  startEmulators,
} from './emulators.ts';
export * from './local-stack/index.ts';
export * from './s3-upload.ts';
export {
  type RecordedSageMakerRequest,
  type SageMakerStub,
  type SageMakerStubOptions,
  type StubJobStatus,
  type StubJobUpdate,
  startSageMakerStub,
} from './sagemaker/sagemaker-stub.ts';
