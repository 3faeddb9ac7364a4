/**
 * Lambda's SQS event source mapping, for the local stack: long-polls a stage's queue, invokes the
 * bundled handler with a real-shaped `SQSEvent` and context, deletes the records that succeeded
 * and leaves the rest to come back after the visibility timeout. A thrown error, a timeout or a
 * malformed response fails the whole batch, as on Lambda; the move to the dead-letter queue after
 * `maxReceiveCount` receives is the queue's own redrive policy, not the poller's.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { InputError } from '../../../errors.ts';
import type { PipelineStageDefinition } from '../../../ports/foundry-topology.ts';
import { createLambdaContext, toSqsRecord } from './lambda-shapes.ts';

/** A function as Lambda calls it for an SQS source (async handlers only, as middy's are). */
export type SqsLambdaHandler = (event: SQSEvent, context: Context) => unknown;

export interface EventSourcePollerOptions {
  sqs: SQSClient;
  stage: PipelineStageDefinition;
  queueUrl: string;
  queueArn: string;
  handler: SqsLambdaHandler;
  /** Invocations at once (separate receive loops), default 1. */
  concurrency?: number;
  /** Long-poll wait of each ReceiveMessage, default 1 s (short, so `stop` returns promptly). */
  waitTimeSeconds?: number;
  /** The function's timeout, default the stage's; the context's remaining time counts down from it. */
  timeoutSeconds?: number;
  log?: (line: string) => void;
}

export type InvocationOutcome = 'success' | 'partial' | 'error' | 'timeout' | 'bad-response';

export interface InvocationReport {
  functionName: string;
  requestId: string;
  messageIds: string[];
  /** Records deleted from the queue (those that succeeded). */
  deleted: string[];
  outcome: InvocationOutcome;
  error?: string;
}

export interface EventSourcePoller {
  functionName: string;
  /** Invocations running now (their messages are in flight). */
  inFlight(): number;
  /** Every invocation so far, oldest first (the last 1000). */
  invocations(): readonly InvocationReport[];
  /** Stops polling and waits for running invocations to end. */
  stop(): Promise<void>;
}

const batchResponseSchema = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })),
});

const optionsSchema = z.object({
  concurrency: z.number().int().min(1).max(50),
  waitTimeSeconds: z.number().int().min(0).max(20),
  timeoutSeconds: z.number().positive().max(900),
});

class InvocationTimeout extends Error {}

/** Which records to keep on the queue, from what the handler returned (or `undefined`: all of them). */
function failedIds(result: unknown, messageIds: readonly string[]): Set<string> | undefined {
  if (result === undefined || result === null) return new Set();
  if (typeof result !== 'object' || !('batchItemFailures' in result)) return new Set();
  const parsed = batchResponseSchema.safeParse(result);
  if (!parsed.success) return undefined;
  const ids = new Set(parsed.data.batchItemFailures.map((failure) => failure.itemIdentifier));
  // Lambda fails the whole batch when a reported identifier is not one of its records.
  for (const id of ids) if (!messageIds.includes(id)) return undefined;
  return ids;
}

/**
 * @example
 * const poller = startEventSourcePoller({ sqs, stage, queueUrl, queueArn, handler });
 * await poller.stop();
 */
export function startEventSourcePoller(options: EventSourcePollerOptions): EventSourcePoller {
  const { stage, sqs } = options;
  const parsed = optionsSchema.safeParse({
    concurrency: options.concurrency ?? 1,
    waitTimeSeconds: options.waitTimeSeconds ?? 1,
    timeoutSeconds: options.timeoutSeconds ?? stage.timeoutSeconds,
  });
  if (!parsed.success) {
    throw new InputError(
      'event source poller options',
      stage.functionName,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const settings = parsed.data;
  const log = options.log ?? (() => {});
  let stopping = false;
  const reports: InvocationReport[] = [];
  let running = 0;

  const invoke = async (messages: Message[]): Promise<void> => {
    const records = messages.map((message) => toSqsRecord(message, options.queueArn));
    const messageIds = records.map((record) => record.messageId);
    const timeoutMs = settings.timeoutSeconds * 1000;
    const context = createLambdaContext(stage, Date.now() + timeoutMs);
    const report: InvocationReport = {
      functionName: stage.functionName,
      requestId: context.awsRequestId,
      messageIds,
      deleted: [],
      outcome: 'success',
    };
    let timer: NodeJS.Timeout | undefined;
    let keep: Set<string>;
    try {
      const result = await Promise.race([
        Promise.resolve().then(() => options.handler({ Records: records }, context)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new InvocationTimeout()), timeoutMs);
        }),
      ]);
      const failed = failedIds(result, messageIds);
      if (failed === undefined) {
        report.outcome = 'bad-response';
        report.error = `malformed batch response ${JSON.stringify(result).slice(0, 300)}`;
        keep = new Set(messageIds);
      } else {
        keep = failed;
        if (failed.size > 0) report.outcome = 'partial';
      }
    } catch (error) {
      report.outcome = error instanceof InvocationTimeout ? 'timeout' : 'error';
      report.error =
        error instanceof InvocationTimeout
          ? `timed out after ${settings.timeoutSeconds} s`
          : ((error as Error)?.message ?? String(error));
      keep = new Set(messageIds);
    } finally {
      clearTimeout(timer);
    }
    const done = records.filter((record) => !keep.has(record.messageId));
    for (let start = 0; start < done.length; start += 10) {
      const chunk = done.slice(start, start + 10);
      try {
        const response = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: chunk.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
        const failedDeletes = new Set((response.Failed ?? []).map((entry) => entry.Id));
        chunk.forEach((record, index) => {
          if (!failedDeletes.has(String(index))) report.deleted.push(record.messageId);
        });
      } catch (error) {
        log(`${stage.functionName}: DeleteMessageBatch failed: ${(error as Error).message}`);
      }
    }
    reports.push(report);
    if (reports.length > 1000) reports.shift();
    const kept = messageIds.length - report.deleted.length;
    log(
      `${stage.functionName} ${report.requestId}: ${messageIds.length} record(s), ${report.outcome}` +
        `${kept > 0 ? `, ${kept} left for redelivery` : ''}${report.error ? ` (${report.error})` : ''}`,
    );
  };

  const loop = async (): Promise<void> => {
    while (!stopping) {
      let messages: Message[];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: stage.batchSize,
            WaitTimeSeconds: settings.waitTimeSeconds,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (stopping) return;
        log(`${stage.functionName}: ReceiveMessage failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (messages.length === 0) continue;
      running += 1;
      try {
        await invoke(messages);
      } catch (error) {
        log(`${stage.functionName}: invocation could not run: ${(error as Error).message}`);
      } finally {
        running -= 1;
      }
    }
  };

  const loops = Array.from({ length: settings.concurrency }, () => loop());
  return {
    functionName: stage.functionName,
    inFlight: () => running,
    invocations: () => [...reports],
    async stop() {
      // No abort of the long poll in progress: messages the emulator handed to an abandoned request
      // would stay invisible for a whole visibility timeout. Waiting costs at most one poll.
      stopping = true;
      await Promise.all(loops);
    },
  };
}
