/**
 * Providers: the `ModelV1` interface, its adapters (OpenAI-compatible Chat Completions, Bedrock
 * Converse, replay), retries, the HTTP error mapping and configuration from a harness `models` block.
 */
export {
  type AwsCredentials,
  type AwsSignedRequest,
  type AwsSignRequestInput,
  signAwsRequest,
} from './aws-sigv4.ts';
export {
  BEDROCK_PROVIDER_NAME,
  type BedrockConverseOptions,
  bedrockConverseOptionsSchema,
  createBedrockConverseModel,
} from './bedrock-converse.ts';
export {
  BUILTIN_MODEL_PROVIDERS,
  createModelFromConfig,
  type ModelConfigContext,
  type ModelEnvironment,
  type ModelFactory,
  resolveWorkerModelConfig,
  WORKER_MODEL_ENV,
} from './config.ts';
export {
  bedrockConfigOptionsSchema,
  DEFAULT_API_KEY_ENV,
  openAICompatibleConfigOptionsSchema,
  replayConfigOptionsSchema,
} from './config-schemas.ts';
export {
  errorFromFetchFailure,
  errorFromHttpResponse,
  extractServerMessage,
  MODEL_ERROR_CODES,
  parseRetryAfterMs,
} from './http-errors.ts';
export { computeCostUsd, type TokenPrices } from './http-model-options.ts';
export { type FetchFunction, MODEL_RESPONSE_ENTITY } from './http-transport.ts';
export * from './model.ts';
export {
  createOpenAICompatibleModel,
  type OpenAICompatibleOptions,
  openAICompatibleOptionsSchema,
} from './openai-compatible.ts';
export {
  createReplayModel,
  firstMessageDifference,
  REPLAY_ERROR_CODES,
  type ReplayModel,
  type ReplayModelOptions,
} from './replay.ts';
export {
  computeBackoffDelayMs,
  type RetryAttemptInfo,
  type RetryOptions,
  type SleepFunction,
  sleepWithAbort,
  withRetries,
} from './retry.ts';
