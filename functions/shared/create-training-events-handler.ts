/**
 * The train-complete handler: each SQS record is an EventBridge "SageMaker Training Job State
 * Change" event (the rule's target is the `training-events` queue). A malformed event, or one about a
 * job this foundry did not launch, gets an error record and is not retried; the core records each
 * job's final state once, so the event EventBridge may deliver twice registers one model.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { completeTraining, InputError, type TrainingCompleteOutcome } from '@harnessx/core';
import { parseTrainingJobStateChange, type TrainingJobStateChange } from '@harnessx/core/aws';
import type { SQSRecord } from 'aws-lambda';
import { createFunctionRuntime, type FunctionRuntimeOptions } from './function-runtime.ts';
import { failRecord, recordSource, rejectInvalidRecord } from './record-outcomes.ts';
import { createSqsBatchHandler, type RecordInvocation, type SqsBatchHandler } from './sqs-batch-handler.ts';
import { stageDefinition } from './stage-definition.ts';

export const TRAIN_COMPLETE_FUNCTION = 'train-complete';

export const TRAINING_EVENT_METRICS = {
  registered: 'ModelRegistered',
  'already-recorded': 'TrainingEventDuplicate',
  failed: 'TrainingJobFailed',
  ignored: 'TrainingEventIgnored',
} as const satisfies Record<TrainingCompleteOutcome['status'], string>;

export interface TrainingEventsHandlerOptions extends Omit<FunctionRuntimeOptions, 'functionName'> {
  complete?: typeof completeTraining;
  timeoutEarlyMs?: number;
}

export function createTrainingEventsHandler(options: TrainingEventsHandlerOptions = {}): SqsBatchHandler {
  const stage = stageDefinition(TRAIN_COMPLETE_FUNCTION);
  const runtime = createFunctionRuntime({ ...options, functionName: TRAIN_COMPLETE_FUNCTION });
  const complete = options.complete ?? completeTraining;

  const handleRecord = async (record: SQSRecord, invocation: RecordInvocation): Promise<void> => {
    let change: TrainingJobStateChange;
    try {
      change = parseTrainingJobStateChange(record.body, recordSource(record));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      await rejectInvalidRecord(runtime, invocation.foundry, record, error);
      return;
    }
    try {
      const outcome = await complete(invocation.foundry, change);
      runtime.metrics.addMetric(TRAINING_EVENT_METRICS[outcome.status], MetricUnit.Count, 1);
      runtime.logger.info(`training job ${outcome.status}`, { messageId: record.messageId, outcome });
    } catch (error) {
      if (error instanceof InputError) {
        await rejectInvalidRecord(runtime, invocation.foundry, record, error);
        return;
      }
      await failRecord(runtime, invocation.foundry, record, error, stage.maxReceiveCount);
    }
  };

  return createSqsBatchHandler({
    runtime,
    handleRecord,
    ...(options.timeoutEarlyMs === undefined ? {} : { timeoutEarlyMs: options.timeoutEarlyMs }),
  });
}
