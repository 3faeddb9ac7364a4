/**
 * The Lambda entry every SQS-fed function shares: middy 6 with Powertools' logger, metrics and
 * tracer middlewares around `processPartialResponse`, so each record succeeds or fails on its own
 * (`reportBatchItemFailures` on the event source).
 *
 * Deadline: middy aborts the handler's signal `timeoutEarlyMs` before Lambda's deadline. The stages
 * get that signal; the handler then answers at once with every record not yet finished as a batch
 * item failure, so finished records leave the queue and unfinished ones are redelivered. (middy's
 * default early response would throw instead and send the whole batch back.)
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { DistributedFoundry } from '@harnessx/core';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionRuntime } from './function-runtime.ts';

/** How long before Lambda's deadline the stages are asked to stop. */
export const DEFAULT_TIMEOUT_EARLY_MS = 10_000;

export const INVOCATION_METRICS = { stoppedEarly: 'InvocationStoppedBeforeDeadline' } as const;

export interface RecordInvocation {
  foundry: DistributedFoundry;
  signal: AbortSignal;
  context: Context;
}

/** Handles one record; resolves when it is done (or deliberately skipped), throws to have it redelivered. */
export type RecordHandler = (record: SQSRecord, invocation: RecordInvocation) => Promise<void>;

export interface SqsBatchHandlerOptions {
  runtime: FunctionRuntime;
  handleRecord: RecordHandler;
  timeoutEarlyMs?: number;
  /** Runs at the start of each invocation (e.g. to give idempotency the Lambda context). */
  beforeBatch?: (context: Context) => void;
}

export type SqsBatchHandler = MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

export function createSqsBatchHandler(options: SqsBatchHandlerOptions): SqsBatchHandler {
  const { runtime, handleRecord } = options;
  const { logger, metrics, tracer } = runtime;

  const processBatch = async (
    event: SQSEvent,
    context: Context,
    { signal }: { signal: AbortSignal },
  ): Promise<SQSBatchResponse> => {
    const finished = new Set<string>();
    let onAbort: (() => void) | undefined;
    const stoppedEarly = new Promise<SQSBatchResponse>((resolve) => {
      onAbort = () => {
        const response = unfinishedAsFailures(event, finished);
        logger.warn('stopping before the deadline: unfinished records will be redelivered', {
          unfinished: response.batchItemFailures.map((failure) => failure.itemIdentifier),
        });
        metrics.addMetric(INVOCATION_METRICS.stoppedEarly, MetricUnit.Count, 1);
        resolve(response);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const work = async (): Promise<SQSBatchResponse> => {
      options.beforeBatch?.(context);
      const foundry = await runtime.foundryForInvocation();
      return processPartialResponse(
        event,
        async (record: SQSRecord) => {
          await handleRecord(record, { foundry, signal, context });
          finished.add(record.messageId);
        },
        new BatchProcessor(EventType.SQS, { logger }),
        { context, throwOnFullBatchFailure: false },
      );
    };
    try {
      return await Promise.race([work(), stoppedEarly]);
    } catch (error) {
      logger.error('invocation failed: the whole batch will be redelivered', { error });
      throw error;
    } finally {
      // middy reuses one signal across invocations until it fires; drop this invocation's listener.
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  };

  return middy(processBatch, {
    timeoutEarlyInMillis: options.timeoutEarlyMs ?? DEFAULT_TIMEOUT_EARLY_MS,
    // The handler itself answers on abort (above); this promise only keeps middy from answering first.
    timeoutEarlyResponse: () => new Promise<never>(() => {}),
  })
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true })) as unknown as SqsBatchHandler;
}

function unfinishedAsFailures(event: SQSEvent, finished: ReadonlySet<string>): SQSBatchResponse {
  return {
    batchItemFailures: (event.Records ?? [])
      .filter((record) => !finished.has(record.messageId))
      .map((record) => ({ itemIdentifier: record.messageId })),
  };
}
