/**
 * The local stack (`harnessx stack`): the serverless foundry's handlers on this machine, over the
 * real S3, SQS and DynamoDB wire protocols (fauxqs, dynalite). Exposed through `@harnessx/core/aws-local`.
 */
export {
  type BundledFunction,
  type BundleFunctionsOptions,
  bundleEntry,
  bundleFunctions,
  defaultBundleDir,
  findBundles,
} from './bundle-functions.ts';
export {
  type EventSourcePoller,
  type EventSourcePollerOptions,
  type InvocationOutcome,
  type InvocationReport,
  type SqsLambdaHandler,
  startEventSourcePoller,
} from './event-source-poller.ts';
export { createLambdaContext, toSqsRecord } from './lambda-shapes.ts';
export {
  createLocalClients,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalClients,
  type LocalEndpoints,
  localQueueArn,
} from './local-clients.ts';
export { type LocalFoundry, openLocalFoundry } from './local-foundry.ts';
export {
  DEFAULT_LOCAL_CONCURRENCY,
  type LocalStack,
  type LocalStackOptions,
  localFunctionEnvironment,
  startLocalStack,
} from './local-stack.ts';
export {
  encodeS3EventKey,
  type NotificationBridge,
  type NotificationBridgeOptions,
  s3EventNotificationBody,
  startNotificationBridge,
} from './notification-bridge.ts';
export {
  localResourceNames,
  type ProvisionedQueue,
  type ProvisionedResources,
  type ProvisionOptions,
  provisionLocalStack,
} from './provision.ts';
export {
  DEFAULT_STACK_PORTS,
  type StackEmulatorPorts,
  type StackEmulators,
  startStackEmulators,
} from './stack-emulators.ts';
export { readStackQueueDepths, type StackQueueDepth } from './stack-inspect.ts';
export {
  isProcessAlive,
  readStackState,
  removeStackState,
  type StackState,
  stackStateOf,
  stackStatePath,
  stackStateSchema,
  writeStackState,
} from './stack-state.ts';
export { type QueueDepth, readQueueDepth, type WaitForIdleOptions, waitForIdle } from './wait-for-idle.ts';
