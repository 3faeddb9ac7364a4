/**
 * `harnessx stack`'s engine: the serverless foundry on one machine over real wire protocols.
 * Emulators (fauxqs for S3 + SQS, dynalite for DynamoDB), the topology's resources, the function
 * environment, the functions bundled exactly as for Lambda, the S3 notification bridge and one
 * event-source poller per stage. Only the transport is emulated; every handler is the deployed one.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, SystemError } from '../../../errors.ts';
import {
  FUNCTION_ENV,
  PIPELINE_QUEUE_NAMES,
  PIPELINE_STAGES,
  type PipelineQueueName,
  TRACE_NOTIFICATION,
} from '../../../ports/foundry-topology.ts';
import { type SageMakerStub, startSageMakerStub } from '../sagemaker/sagemaker-stub.ts';
import { type BundledFunction, bundleFunctions, findBundles } from './bundle-functions.ts';
import {
  type EventSourcePoller,
  type SqsLambdaHandler,
  startEventSourcePoller,
} from './event-source-poller.ts';
import { createLocalClients, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalEndpoints } from './local-clients.ts';
import { type NotificationBridge, startNotificationBridge } from './notification-bridge.ts';
import { type ProvisionedResources, provisionLocalStack } from './provision.ts';
import { DEFAULT_STACK_PORTS, type StackEmulatorPorts, startStackEmulators } from './stack-emulators.ts';
import { waitForIdle } from './wait-for-idle.ts';

/** Invocations at once per queue where one is not enough: evaluation shards run side by side. */
export const DEFAULT_LOCAL_CONCURRENCY: Partial<Record<PipelineQueueName, number>> = { evaluate: 2 };

export interface LocalStackOptions {
  /** The repository root (`functions/`, `node_modules/`). */
  repoRoot: string;
  /** Where bundles go (`<stateDir>/bundles`); default `<repoRoot>/.harnessx/stack`. Keep it inside the repo. */
  stateDir?: string;
  /** Default 4566 (S3 + SQS) and 4567 (DynamoDB); 0 = any free port. */
  ports?: Partial<StackEmulatorPorts>;
  /** Visibility timeout of every stage queue instead of the topology's (tests: a few seconds). */
  visibilityTimeoutSeconds?: number;
  /** Build the bundles (default); false reuses those already in `<stateDir>/bundles`. */
  bundle?: boolean;
  /** Functions to run (default every stage's); `[]` runs only the emulators, resources and bridge. */
  functions?: readonly string[];
  /** Handlers to run instead of a function's bundle (test doubles), by function name. */
  handlers?: Readonly<Record<string, SqsLambdaHandler>>;
  /** Invocations at once, by queue; default DEFAULT_LOCAL_CONCURRENCY, else 1. */
  concurrency?: Partial<Record<PipelineQueueName, number>>;
  /** Resource name prefix (default `harnessx`). */
  namePrefix?: string;
  /** Extra variables for the functions' environment, set last (e.g. `POWERTOOLS_LOG_LEVEL`). */
  environment?: Readonly<Record<string, string>>;
  log?: (line: string) => void;
}

export interface LocalStack {
  endpoints: LocalEndpoints;
  ports: StackEmulatorPorts;
  resources: ProvisionedResources;
  bundles: BundledFunction[];
  pollers: EventSourcePoller[];
  bridge: NotificationBridge;
  /** The SageMaker stub train-launch sends its CreateTrainingJob requests to (a test double). */
  sagemaker: SageMakerStub;
  /** The functions' environment as set in this process. */
  environment: Readonly<Record<string, string>>;
  /** Resolves when no queue holds work and nothing runs; throws `SystemError` at the timeout. */
  waitForIdle(options?: { timeoutMs?: number; settleMs?: number }): Promise<void>;
  /** Stops pollers, bridge and emulators, and restores the process environment. */
  stop(): Promise<void>;
}

/** The variables every function reads (FUNCTION_ENV), pointing at the local stack. */
/** The role local training jobs name (the stub checks its form; nothing assumes it). */
export const LOCAL_TRAINING_ROLE_ARN = 'arn:aws:iam::000000000000:role/harnessx-local-training';

export function localFunctionEnvironment(
  endpoints: LocalEndpoints,
  resources: ProvisionedResources,
): Record<string, string> {
  const environment: Record<string, string> = {
    [FUNCTION_ENV.bucket]: resources.bucket,
    [FUNCTION_ENV.registryTable]: resources.tables.registry,
    [FUNCTION_ENV.idempotencyTable]: resources.tables.idempotency,
    [FUNCTION_ENV.endpoints.s3]: endpoints.s3,
    [FUNCTION_ENV.endpoints.sqs]: endpoints.sqs,
    [FUNCTION_ENV.endpoints.dynamodb]: endpoints.dynamodb,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    POWERTOOLS_SERVICE_NAME: 'harnessx',
    POWERTOOLS_METRICS_NAMESPACE: 'HarnessX',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const queue of PIPELINE_QUEUE_NAMES) {
    environment[FUNCTION_ENV.queueUrl(queue)] = resources.queues[queue].url;
  }
  return environment;
}

/** Sets `variables` in process.env; the returned function puts back what was there before. */
function applyEnvironment(variables: Record<string, string>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(variables)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

async function importHandler(bundle: BundledFunction): Promise<SqsLambdaHandler> {
  // A query per load: a stack started again in the same process gets freshly evaluated modules,
  // so each reads the environment of its own stack.
  const url = `${pathToFileURL(bundle.path).href}?stack=${Date.now()}`;
  let module: { handler?: unknown };
  try {
    module = (await import(url)) as { handler?: unknown };
  } catch (error) {
    throw new SystemError(
      `cannot load ${bundle.functionName} (${bundle.path}): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (typeof module.handler !== 'function') {
    throw new SystemError(`${bundle.path} exports no handler function`);
  }
  return module.handler as SqsLambdaHandler;
}

function selectedStages(options: LocalStackOptions) {
  const known = PIPELINE_STAGES.map((stage) => stage.functionName);
  const requested = [...(options.functions ?? known), ...Object.keys(options.handlers ?? {})];
  const unknown = requested.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InputError('local stack option', 'startLocalStack', [
      {
        path: 'functions',
        message: `unknown function(s) ${unknown.join(', ')}; expected ${known.join(', ')}`,
      },
    ]);
  }
  return PIPELINE_STAGES.filter((stage) => requested.includes(stage.functionName));
}

/**
 * @example
 * const stack = await startLocalStack({ repoRoot: process.cwd(), ports: { s3AndSqs: 0, dynamodb: 0 } });
 * // upload under traces/<project>/… to stack.resources.bucket at stack.endpoints.s3
 * await stack.waitForIdle({ timeoutMs: 60_000 });
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const stages = selectedStages(options);
  const stateDir = options.stateDir ?? join(options.repoRoot, '.harnessx', 'stack');
  const emulators = await startStackEmulators({ ...DEFAULT_STACK_PORTS, ...options.ports });
  const endpoints = {
    s3: emulators.s3Endpoint,
    sqs: emulators.sqsEndpoint,
    dynamodb: emulators.dynamodbEndpoint,
  };
  const clients = createLocalClients(endpoints);
  const cleanup: (() => Promise<void> | void)[] = [() => emulators.stop(), () => clients.destroy()];
  const runCleanup = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  try {
    log(`emulators: S3 + SQS ${endpoints.s3}, DynamoDB ${endpoints.dynamodb}`);
    const resources = await provisionLocalStack({
      ...clients,
      ...(options.namePrefix !== undefined ? { namePrefix: options.namePrefix } : {}),
      ...(options.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
        : {}),
    });
    log(`provisioned bucket ${resources.bucket}, ${PIPELINE_QUEUE_NAMES.length} queues with DLQs, 2 tables`);
    // SageMaker has no emulator: a stub speaking its JSON protocol takes (and checks) training jobs.
    const sagemaker = await startSageMakerStub({ region: LOCAL_REGION });
    cleanup.push(() => sagemaker.close());
    const environment = {
      ...localFunctionEnvironment(endpoints, resources),
      AWS_ENDPOINT_URL_SAGEMAKER: sagemaker.endpoint,
      [FUNCTION_ENV.trainingRoleArn]: LOCAL_TRAINING_ROLE_ARN,
      [FUNCTION_ENV.trainerCodeUri]: `s3://${resources.bucket}/code/trainer/local/sourcedir.tar.gz`,
      ...options.environment,
    };
    // Set before any bundle is imported: each handler parses its environment at module scope.
    cleanup.push(applyEnvironment(environment));
    const toBundle = stages
      .map((stage) => stage.functionName)
      .filter((name) => options.handlers?.[name] === undefined);
    const bundleOptions = { repoRoot: options.repoRoot, outDir: join(stateDir, 'bundles'), only: toBundle };
    const bundles =
      toBundle.length === 0
        ? []
        : options.bundle === false
          ? await findBundles(bundleOptions)
          : await bundleFunctions(bundleOptions);
    if (bundles.length > 0)
      log(`bundled ${bundles.map((b) => `${b.functionName} (${b.bytes} B)`).join(', ')}`);
    const bridge = startNotificationBridge({
      spy: emulators.fauxqs.spy,
      s3: clients.s3,
      sqs: clients.sqs,
      bucket: resources.bucket,
      prefix: TRACE_NOTIFICATION.prefix,
      queueUrl: resources.queues[TRACE_NOTIFICATION.queue].url,
      log,
    });
    cleanup.push(async () => {
      bridge.stop();
      await bridge.flush();
    });
    const pollers: EventSourcePoller[] = [];
    cleanup.push(() => Promise.all(pollers.map((poller) => poller.stop())).then(() => {}));
    for (const stage of stages) {
      const bundle = bundles.find((item) => item.functionName === stage.functionName);
      const handler = options.handlers?.[stage.functionName] ?? (bundle && (await importHandler(bundle)));
      if (!handler) throw new SystemError(`no handler for ${stage.functionName}`);
      const queue = resources.queues[stage.queue];
      pollers.push(
        startEventSourcePoller({
          sqs: clients.sqs,
          stage,
          queueUrl: queue.url,
          queueArn: queue.arn,
          handler,
          concurrency: options.concurrency?.[stage.queue] ?? DEFAULT_LOCAL_CONCURRENCY[stage.queue] ?? 1,
          log,
        }),
      );
    }
    log(`running ${pollers.map((poller) => poller.functionName).join(', ') || 'no functions'}`);
    const queueUrls = Object.fromEntries(
      PIPELINE_QUEUE_NAMES.map((queue) => [queue, resources.queues[queue].url]),
    );
    return {
      endpoints,
      ports: emulators.ports,
      resources,
      bundles,
      pollers,
      bridge,
      environment,
      sagemaker,
      waitForIdle: (wait = {}) =>
        waitForIdle({
          sqs: clients.sqs,
          queueUrls,
          busy: () => bridge.pending() + pollers.reduce((sum, poller) => sum + poller.inFlight(), 0),
          timeoutMs: wait.timeoutMs ?? 60_000,
          ...(wait.settleMs !== undefined ? { settleMs: wait.settleMs } : {}),
        }),
      stop: runCleanup,
    };
  } catch (error) {
    await runCleanup();
    throw error;
  }
}
