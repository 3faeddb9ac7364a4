/**
 * The handler of one pipeline stage (digest, plan, evolve, evaluate, critic): each SQS record is a
 * `harnessx.message/1` envelope; the stage runs once per `idempotencyKey` (Powertools idempotency
 * on DynamoDB), so a redelivered message returns the stored outcome instead of repeating the work.
 * Each `handler.ts` calls this at module scope: the environment is parsed once per cold start.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type DistributedFoundry,
  FOUNDRY_TABLES,
  InputError,
  parseStageMessageText,
  STAGE_MESSAGE_TYPES,
  type StageMessage,
  type StageRunOptions,
  SystemError,
} from '@harnessx/core';
import type { SQSRecord } from 'aws-lambda';
import { localClientConfig, POWERTOOLS_ENDPOINT_VARIABLES } from './aws-client-config.ts';
import {
  createFunctionRuntime,
  type FunctionRuntime,
  type FunctionRuntimeOptions,
} from './function-runtime.ts';
import { failRecord, recordSource, rejectInvalidRecord } from './record-outcomes.ts';
import { createSqsBatchHandler, type RecordInvocation, type SqsBatchHandler } from './sqs-batch-handler.ts';
import { stageDefinition } from './stage-definition.ts';

/** How long a finished message's outcome is kept for deduplication (a day covers every SQS retry). */
export const IDEMPOTENCY_TTL_SECONDS = 86_400;

export const STAGE_METRICS = { succeeded: 'StageSucceeded', duplicate: 'StageDuplicateSkipped' } as const;

/** A stage's work for one message (in production `handleStageMessage` from `@harnessx/core`). */
export type StageRun = (
  foundry: DistributedFoundry,
  message: StageMessage,
  options: StageRunOptions,
) => Promise<unknown>;

/** The second argument of the idempotent run: not hashed, it says whether the stage really ran. */
interface StageCall {
  foundry: DistributedFoundry;
  signal: AbortSignal;
  ran: boolean;
}

export interface StageHandlerOptions extends FunctionRuntimeOptions {
  run: StageRun;
  timeoutEarlyMs?: number;
}

export function createStageHandler(options: StageHandlerOptions): SqsBatchHandler {
  const stage = stageDefinition(options.functionName);
  const expectedType = STAGE_MESSAGE_TYPES.find((type) => type === stage.queue);
  if (!expectedType) throw new SystemError(`the ${stage.queue} queue carries no stage messages`);
  const runtime = createFunctionRuntime(options);
  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: 'idempotencyKey',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const clientConfig = localClientConfig(runtime.rawEnv, POWERTOOLS_ENDPOINT_VARIABLES.dynamodb);
  // One persistence layer per idempotency config: Powertools ignores a second config on a shared one.
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: runtime.env.idempotencyTable,
    keyAttr: FOUNDRY_TABLES.idempotency.partitionKey,
    expiryAttr: FOUNDRY_TABLES.idempotency.timeToLiveAttribute,
    ...(clientConfig ? { clientConfig } : {}),
  });
  const runOnce = makeIdempotent(
    async (message: StageMessage, call: StageCall): Promise<unknown> => {
      call.ran = true;
      return options.run(call.foundry, message, { signal: call.signal });
    },
    // A stable prefix (not Lambda's generated function name) keeps keys valid across redeploys.
    { persistenceStore, config: idempotencyConfig, keyPrefix: `harnessx.${runtime.functionName}` },
  );

  const handleRecord = async (record: SQSRecord, invocation: RecordInvocation): Promise<void> => {
    const message = parseMessage(record, expectedType);
    if (message instanceof InputError) {
      await rejectInvalidRecord(runtime, invocation.foundry, record, message);
      return;
    }
    const call: StageCall = { foundry: invocation.foundry, signal: invocation.signal, ran: false };
    try {
      const outcome = await runOnce(message, call);
      logStageOutcome(runtime, record, message, outcome, !call.ran);
    } catch (error) {
      await failRecord(runtime, invocation.foundry, record, error, stage.maxReceiveCount);
    }
  };

  return createSqsBatchHandler({
    runtime,
    handleRecord,
    ...(options.timeoutEarlyMs === undefined ? {} : { timeoutEarlyMs: options.timeoutEarlyMs }),
    beforeBatch: (context) => idempotencyConfig.registerLambdaContext(context),
  });
}

/** The envelope, or why it is not one (including a message of another stage on this queue). */
function parseMessage(record: SQSRecord, expectedType: StageMessage['type']): StageMessage | InputError {
  const source = recordSource(record);
  let message: StageMessage;
  try {
    message = parseStageMessageText(record.body, source);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  if (message.type !== expectedType) {
    return new InputError('queue message', source, [
      { path: 'type', message: `a "${message.type}" message on the ${expectedType} queue` },
    ]);
  }
  return message;
}

function logStageOutcome(
  runtime: FunctionRuntime,
  record: SQSRecord,
  message: StageMessage,
  outcome: unknown,
  fromIdempotencyStore: boolean,
): void {
  const fields = {
    messageId: record.messageId,
    cycleId: message.cycleId,
    idempotencyKey: message.idempotencyKey,
    outcome,
  };
  if (fromIdempotencyStore) {
    runtime.logger.info('already handled: returned the stored outcome', fields);
    runtime.metrics.addMetric(STAGE_METRICS.duplicate, MetricUnit.Count, 1);
  } else {
    runtime.logger.info('stage done', fields);
    runtime.metrics.addMetric(STAGE_METRICS.succeeded, MetricUnit.Count, 1);
  }
}
