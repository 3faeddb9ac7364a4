/**
 * What happens to one SQS record that did not succeed, in one place for every function:
 * - an input that can never succeed (a malformed envelope or notification) gets an error record
 *   with its reason and counts as processed, so it leaves the queue without a retry, never silently;
 * - anything else fails the record: SQS redelivers it, and on its last allowed receive an error
 *   record keeps the reason next to the message the DLQ is about to hold.
 * Each outcome is a log line and one metric.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AbortedError, type DistributedFoundry, TransientError, writeErrorRecord } from '@harnessx/core';
import type { SQSRecord } from 'aws-lambda';
import type { FunctionRuntime } from './function-runtime.ts';

/** Metric names, one per record outcome. */
export const RECORD_METRICS = {
  invalid: 'RecordInvalid',
  transient: 'RecordRetryTransient',
  inProgress: 'RecordInProgressElsewhere',
  aborted: 'RecordAborted',
  failed: 'RecordFailed',
  deadLettered: 'RecordLastAttemptFailed',
} as const;

/** Powertools' idempotency error when the same key is being processed by another delivery. */
const IN_PROGRESS_ERROR = 'IdempotencyAlreadyInProgressError';

export function recordSource(record: SQSRecord): string {
  return `sqs:${record.messageId}`;
}

export function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** Writes the error record for an input that can never succeed; the record then counts as processed. */
export async function rejectInvalidRecord(
  runtime: FunctionRuntime,
  foundry: DistributedFoundry,
  record: SQSRecord,
  error: Error,
): Promise<string> {
  const errorRecord = await writeErrorRecord(foundry.store, runtime.functionName, {
    source: recordSource(record),
    body: record.body,
    error,
  });
  runtime.logger.warn('invalid input: error record written, not retried', {
    messageId: record.messageId,
    errorRecord,
    reason: error.message,
  });
  runtime.metrics.addMetric(RECORD_METRICS.invalid, MetricUnit.Count, 1);
  return errorRecord;
}

/** Logs and counts a failed record, records the reason on its last attempt, and rethrows. */
export async function failRecord(
  runtime: FunctionRuntime,
  foundry: DistributedFoundry,
  record: SQSRecord,
  error: unknown,
  maxReceiveCount: number,
): Promise<never> {
  const receiveCount = receiveCountOf(record);
  const context = { messageId: record.messageId, receiveCount, maxReceiveCount, error };
  const { logger, metrics } = runtime;
  if (error instanceof TransientError) {
    logger.warn('transient failure: SQS will redeliver', context);
    metrics.addMetric(RECORD_METRICS.transient, MetricUnit.Count, 1);
  } else if (error instanceof Error && error.name === IN_PROGRESS_ERROR) {
    logger.info('the same work is in progress in another delivery: retried later', context);
    metrics.addMetric(RECORD_METRICS.inProgress, MetricUnit.Count, 1);
  } else if (error instanceof AbortedError) {
    logger.warn('stopped before the deadline: SQS will redeliver', context);
    metrics.addMetric(RECORD_METRICS.aborted, MetricUnit.Count, 1);
  } else {
    logger.error('record failed: SQS will redeliver', context);
    metrics.addMetric(RECORD_METRICS.failed, MetricUnit.Count, 1);
  }
  if (receiveCount >= maxReceiveCount) await recordLastAttempt(runtime, foundry, record, error, receiveCount);
  throw error;
}

async function recordLastAttempt(
  runtime: FunctionRuntime,
  foundry: DistributedFoundry,
  record: SQSRecord,
  error: unknown,
  receiveCount: number,
): Promise<void> {
  try {
    const errorRecord = await writeErrorRecord(foundry.store, runtime.functionName, {
      source: recordSource(record),
      body: record.body,
      error,
    });
    runtime.logger.error('last attempt failed: the message moves to the dead-letter queue', {
      messageId: record.messageId,
      receiveCount,
      errorRecord,
    });
    runtime.metrics.addMetric(RECORD_METRICS.deadLettered, MetricUnit.Count, 1);
  } catch (writeError) {
    // The DLQ still holds the message; the log keeps the reason.
    runtime.logger.error('could not write the error record of a dead-lettered message', {
      messageId: record.messageId,
      error,
      writeError,
    });
  }
}
