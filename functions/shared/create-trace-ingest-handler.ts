/**
 * The trace-ingest handler: each SQS record is an S3 event notification for uploads under
 * `traces/`; every object it names goes to `ingestTraceObject`. No idempotency layer here: the
 * core records each trace key once (`registry.recordOnce`), so a redelivered notification, or a
 * retried one whose first object already went in, counts each trace exactly once.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type IngestOutcome,
  InputError,
  ingestTraceObject,
  parseS3EventNotification,
  type S3ObjectRef,
} from '@harnessx/core';
import type { SQSRecord } from 'aws-lambda';
import {
  createFunctionRuntime,
  type FunctionRuntime,
  type FunctionRuntimeOptions,
} from './function-runtime.ts';
import { failRecord, recordSource, rejectInvalidRecord } from './record-outcomes.ts';
import { createSqsBatchHandler, type RecordInvocation, type SqsBatchHandler } from './sqs-batch-handler.ts';
import { stageDefinition } from './stage-definition.ts';

export const TRACE_INGEST_FUNCTION = 'trace-ingest';

/** Metric names, one per outcome of a notification or of one object in it. */
export const INGEST_METRICS = {
  testEvent: 'NotificationTestEvent',
  notObjectCreated: 'NotificationIgnored',
  recorded: 'TraceRecorded',
  duplicate: 'TraceDuplicate',
  rejected: 'TraceRejected',
  ignored: 'TraceIgnored',
} as const satisfies Record<string, string> & Record<IngestOutcome['status'], string>;

/** The core call, replaceable in tests. */
export type IngestRun = typeof ingestTraceObject;

export interface TraceIngestHandlerOptions extends Omit<FunctionRuntimeOptions, 'functionName'> {
  ingest?: IngestRun;
  timeoutEarlyMs?: number;
}

export function createTraceIngestHandler(options: TraceIngestHandlerOptions = {}): SqsBatchHandler {
  const stage = stageDefinition(TRACE_INGEST_FUNCTION);
  const runtime = createFunctionRuntime({ ...options, functionName: TRACE_INGEST_FUNCTION });
  const ingest = options.ingest ?? ingestTraceObject;

  const handleRecord = async (record: SQSRecord, invocation: RecordInvocation): Promise<void> => {
    const objects = parseNotification(record, runtime.env.bucket);
    if (objects instanceof InputError) {
      await rejectInvalidRecord(runtime, invocation.foundry, record, objects);
      return;
    }
    if (objects.length === 0) {
      runtime.logger.info('S3 test event: nothing to ingest', { messageId: record.messageId });
      runtime.metrics.addMetric(INGEST_METRICS.testEvent, MetricUnit.Count, 1);
      return;
    }
    try {
      // One at a time: a notification names one object in practice, and order keeps retries simple.
      for (const object of objects) await ingestOne(runtime, record, object, invocation, ingest);
    } catch (error) {
      await failRecord(runtime, invocation.foundry, record, error, stage.maxReceiveCount);
    }
  };

  return createSqsBatchHandler({
    runtime,
    handleRecord,
    ...(options.timeoutEarlyMs === undefined ? {} : { timeoutEarlyMs: options.timeoutEarlyMs }),
  });
}

/** The objects a notification names, or why it is unusable (malformed, or about another bucket). */
function parseNotification(record: SQSRecord, bucket: string): S3ObjectRef[] | InputError {
  const source = recordSource(record);
  let objects: S3ObjectRef[];
  try {
    objects = parseS3EventNotification(record.body, source);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  const foreign = objects.findIndex((object) => object.bucket !== bucket);
  if (foreign >= 0) {
    return new InputError('S3 event notification', source, [
      {
        path: `Records[${foreign}].s3.bucket.name`,
        message: `names bucket "${objects[foreign]?.bucket}"; this function ingests from "${bucket}"`,
      },
    ]);
  }
  return objects;
}

async function ingestOne(
  runtime: FunctionRuntime,
  record: SQSRecord,
  object: S3ObjectRef,
  invocation: RecordInvocation,
  ingest: IngestRun,
): Promise<void> {
  const fields = { messageId: record.messageId, key: object.key, eventName: object.eventName };
  if (!object.eventName.startsWith('ObjectCreated:')) {
    runtime.logger.info('not an upload: ignored', fields);
    runtime.metrics.addMetric(INGEST_METRICS.notObjectCreated, MetricUnit.Count, 1);
    return;
  }
  const outcome = await ingest(invocation.foundry, { key: object.key }, { signal: invocation.signal });
  runtime.metrics.addMetric(INGEST_METRICS[outcome.status], MetricUnit.Count, 1);
  if (outcome.status === 'rejected')
    runtime.logger.warn('trace rejected: error record written', { ...fields, outcome });
  else runtime.logger.info(`trace ${outcome.status}`, { ...fields, outcome });
}
