/**
 * The serverless foundry's shape as data, read by both the CDK app (infra/) and the local stack
 * (`harnessx stack up`), so the queues, functions, tables and bucket rules are declared once.
 */

/** Queues of the pipeline; each feeds one function and has its own dead-letter queue. */
export const PIPELINE_QUEUE_NAMES = [
  'ingest',
  'digest',
  'plan',
  'evolve',
  'evaluate',
  'critic',
  'train',
  'training-events',
] as const;
export type PipelineQueueName = (typeof PIPELINE_QUEUE_NAMES)[number];

export interface PipelineStageDefinition {
  /** The queue feeding the function. */
  queue: PipelineQueueName;
  /** Folder under `functions/` holding `handler.ts`. */
  functionName: string;
  description: string;
  /** Lambda timeout. The middy timeout signal fires a little earlier so a stage stops cleanly. */
  timeoutSeconds: number;
  memoryMb: number;
  /** SQS event source: records per invocation and batching window. */
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** Whether the function runs sandboxed code processors (gets the QuickJS layer). */
  usesSandbox: boolean;
}

/** Visibility timeout of a stage's queue: six times its function's timeout (AWS's advice for SQS sources). */
export function visibilityTimeoutSeconds(stage: PipelineStageDefinition): number {
  return stage.timeoutSeconds * 6;
}

export const PIPELINE_STAGES: readonly PipelineStageDefinition[] = [
  {
    queue: 'ingest',
    functionName: 'trace-ingest',
    description: 'Validates uploaded trace files, records them against their project, starts cycles',
    timeoutSeconds: 60,
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 5,
    maxReceiveCount: 3,
    usesSandbox: false,
  },
  {
    queue: 'digest',
    functionName: 'digest',
    description: 'Measures the current version and digests its traces',
    timeoutSeconds: 900,
    memoryMb: 1024,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: true,
  },
  {
    queue: 'plan',
    functionName: 'plan',
    description: 'Turns the digest into ranked edit hypotheses',
    timeoutSeconds: 120,
    memoryMb: 512,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: false,
  },
  {
    queue: 'evolve',
    functionName: 'evolve',
    description: 'Writes candidate harnesses and fans their evaluation out in shards',
    timeoutSeconds: 300,
    memoryMb: 1024,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: true,
  },
  {
    queue: 'evaluate',
    functionName: 'evaluate',
    description: 'Runs one shard of episodes; the last shard of a cycle enqueues the critic',
    timeoutSeconds: 900,
    memoryMb: 1024,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: true,
  },
  {
    queue: 'critic',
    functionName: 'critic',
    description: 'Critic, deterministic gate and publish of the new version',
    timeoutSeconds: 900,
    memoryMb: 1024,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: true,
  },
  {
    queue: 'train',
    functionName: 'train-launch',
    description: 'Starts a GRPO training job when the replay buffer holds enough groups',
    timeoutSeconds: 120,
    memoryMb: 512,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: false,
  },
  {
    // Fed by the EventBridge rule on "SageMaker Training Job State Change" (the events are its bodies).
    queue: 'training-events',
    functionName: 'train-complete',
    description: 'Registers the model a finished training job produced and starts the next cycle with it',
    timeoutSeconds: 60,
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 3,
    usesSandbox: false,
  },
];

/** The queue the EventBridge rule on SageMaker training-job state changes delivers to. */
export const TRAINING_EVENTS_QUEUE: PipelineQueueName = 'training-events';

/** The artifact bucket: S3 notifications for these keys go to the `ingest` queue. */
export const TRACE_NOTIFICATION = { prefix: 'traces/', queue: 'ingest' as PipelineQueueName } as const;

/** DynamoDB tables: the registry (current pointers, leases, counters, fan-in) and idempotency records. */
export const FOUNDRY_TABLES = {
  registry: { partitionKey: 'pk', timeToLiveAttribute: 'expiresAtEpoch' },
  idempotency: { partitionKey: 'id', timeToLiveAttribute: 'expiration' },
} as const;

/**
 * How every function is bundled, by CDK's `NodejsFunction` and by the local stack alike: ESM for a
 * current Node runtime, `@aws-sdk/*` left to the runtime, `quickjs-emscripten` left to the sandbox
 * layer (its WebAssembly cannot be inlined), and the sandbox worker scripts copied beside the bundle
 * (the sandbox starts them by a path relative to the code).
 */
export const FUNCTION_BUNDLING = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourcemap: true,
  /** Licence comments go to `index.mjs.LEGAL.txt` beside the bundle: kept, but not loaded on each cold start. */
  legalComments: 'external',
  /** Non-ASCII text as UTF-8, not `\uXXXX` escapes (zod's many locale messages alone save ~70 KB). */
  charset: 'utf8',
  /** ESM builds of dependencies first: they tree-shake. */
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*', 'quickjs-emscripten', '@jitl/*'],
  /** ESM bundles of CommonJS dependencies need `require`. */
  banner:
    "import { createRequire as __hxCreateRequire } from 'module'; const require = __hxCreateRequire(import.meta.url);",
  /** Copied next to each sandbox-using bundle as `worker/` (relative to the repository root). */
  sandboxWorkerDir: 'harness-core/src/sandbox/worker',
  entry: (functionName: string) => `functions/${functionName}/handler.ts`,
} as const;

/**
 * Environment of every function, by variable name. The CDK app sets these; the local stack sets the
 * same ones pointing at loopback endpoints; each handler parses them once at module scope.
 */
export const FUNCTION_ENV = {
  bucket: 'HARNESSX_BUCKET',
  registryTable: 'HARNESSX_REGISTRY_TABLE',
  idempotencyTable: 'HARNESSX_IDEMPOTENCY_TABLE',
  /** One per queue: `HARNESSX_QUEUE_URL_DIGEST`, … */
  queueUrl: (queue: PipelineQueueName) => `HARNESSX_QUEUE_URL_${queue.toUpperCase()}`,
  /**
   * The local stack points the AWS SDK at its loopback emulators with the SDK's own per-service
   * endpoint variables (so Powertools' clients follow too); unset on AWS. An S3 endpoint override
   * also switches the S3 adapter to path-style addressing.
   */
  endpoints: {
    s3: 'AWS_ENDPOINT_URL_S3',
    sqs: 'AWS_ENDPOINT_URL_SQS',
    dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  },
  /** ARN or name of the Secrets Manager secret with model credentials (a JSON object of env names). */
  modelSecret: 'HARNESSX_MODEL_SECRET',
  /** ARN of the role SageMaker training jobs run as (train-launch passes it). */
  trainingRoleArn: 'HARNESSX_TRAINING_ROLE_ARN',
  /** s3 URI of the trainer's `sourcedir.tar.gz` (training/ packaged by the CDK app). */
  trainerCodeUri: 'HARNESSX_TRAINER_CODE_URI',
} as const;
