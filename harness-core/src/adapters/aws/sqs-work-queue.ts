/**
 * The AWS `WorkQueue`: one SQS queue per pipeline stage, each with a dead-letter queue (redrive
 * policy). Envelopes are validated before anything is sent; received bodies that are not envelopes
 * are delivered as `invalid`, never dropped, so they reach the DLQ with their reason.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { SystemError } from '../../errors.ts';
import { PIPELINE_QUEUE_NAMES, type PipelineQueueName } from '../../ports/foundry-topology.ts';
import type { QueueDelivery, WorkQueue } from '../../ports/work-queue.ts';
import { parseWith } from '../../schema.ts';
import {
  decodeBody,
  encodeOutgoing,
  parseQueueName,
  parseReceipts,
  parseReceiveOptions,
} from '../embedded/queue-envelope.ts';
import { toFoundryError } from './aws-errors.ts';
import { createSqsClient } from './clients.ts';

export interface SqsWorkQueueOptions {
  /** The URL of each queue this instance uses. */
  queueUrls: Partial<Record<PipelineQueueName, string>>;
  /** DLQ URLs; a queue not listed here has its DLQ looked up from its redrive policy. */
  deadLetterQueueUrls?: Partial<Record<PipelineQueueName, string>>;
  /** Defaults to `createSqsClient()` (the SDK's chain, or `AWS_ENDPOINT_URL_SQS`). */
  client?: SQSClient;
  /**
   * Long-poll seconds when reading a DLQ (default 1): SQS's short poll samples only some servers and
   * can miss messages. Emulators answer exactly, so tests may use 0.
   */
  deadLetterPollSeconds?: number;
}

const urlMap = z.partialRecord(z.enum(PIPELINE_QUEUE_NAMES), z.url({ protocol: /^https?$/ }));
const optionsSchema = z
  .object({
    queueUrls: urlMap,
    deadLetterQueueUrls: urlMap.optional(),
    client: z
      .custom<SQSClient>(
        (value) =>
          typeof value === 'object' && value !== null && typeof (value as SQSClient).send === 'function',
        'expected an SQSClient',
      )
      .optional(),
    deadLetterPollSeconds: z.int().min(0).max(20).optional(),
  })
  .strict();

/** SQS's batch limit for SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch. */
const BATCH = 10;
/** The most DLQ messages one `deadLetters` call reads. */
const MAX_DEAD_LETTERS = 1_000;
/** How long peeked DLQ messages stay hidden if this process dies before putting them back. */
const PEEK_VISIBILITY_SECONDS = 30;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += BATCH) out.push(items.slice(index, index + BATCH));
  return out;
}

interface BatchEntry {
  Id: string;
  /** What an error message names the entry by. */
  label: string;
}

interface BatchFailure {
  Id?: string;
  Code?: string;
  Message?: string;
}

/**
 * Runs a batch call over `entries` in chunks of ten; entries reported failed are tried once more,
 * then listed in a `SystemError` (`code`).
 */
async function batchWithRetry<E extends BatchEntry>(
  entries: readonly E[],
  call: (chunk: E[]) => Promise<BatchFailure[]>,
  describe: (failed: string) => SystemError,
): Promise<void> {
  let pending = [...entries];
  let failures: BatchFailure[] = [];
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    failures = [];
    for (const chunk of chunks(pending)) failures.push(...(await call(chunk)));
    const failedIds = new Set(failures.map((failure) => failure.Id));
    pending = pending.filter((entry) => failedIds.has(entry.Id));
  }
  if (pending.length === 0) return;
  const reasons = new Map(failures.map((failure) => [failure.Id, `${failure.Code}: ${failure.Message}`]));
  throw describe(pending.map((entry) => `${entry.label} (${reasons.get(entry.Id) ?? 'failed'})`).join('; '));
}

/**
 * A `WorkQueue` over SQS. Sizes and validation match the in-process queue: envelopes only, at most
 * `MAX_MESSAGE_BYTES` each (larger payloads go in the artifact store, their key in `refs`).
 *
 * @example
 * const queue = createSqsWorkQueue({ queueUrls: { evaluate: process.env.HARNESSX_QUEUE_URL_EVALUATE } });
 * await queue.send('evaluate', shardMessages);
 */
export function createSqsWorkQueue(options: SqsWorkQueueOptions): WorkQueue {
  const settings = parseWith(optionsSchema, options, 'sqs work queue options', 'createSqsWorkQueue');
  const client = settings.client ?? createSqsClient();
  const pollSeconds = settings.deadLetterPollSeconds ?? 1;
  const source = 'sqs work queue';
  const deadLetterUrls = new Map<PipelineQueueName, Promise<string>>();

  const urlOf = (queue: PipelineQueueName): string => {
    const url = settings.queueUrls[queue];
    if (!url)
      throw new SystemError(`no SQS queue URL configured for "${queue}"`, { code: 'QUEUE_NOT_CONFIGURED' });
    return url;
  };

  const lookUpDeadLetterUrl = async (queue: PipelineQueueName): Promise<string> => {
    const url = urlOf(queue);
    try {
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
      );
      const policy = Attributes?.RedrivePolicy
        ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: unknown })
        : {};
      const arn = typeof policy.deadLetterTargetArn === 'string' ? policy.deadLetterTargetArn.split(':') : [];
      const [name, account] = [arn[5], arn[4]];
      if (!name)
        throw new SystemError(`${url} has no redrive policy, so no DLQ`, { code: 'QUEUE_NO_DEAD_LETTER' });
      const found = await client.send(
        new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
      );
      if (!found.QueueUrl) throw new SystemError(`no URL for DLQ ${name}`, { code: 'QUEUE_NO_DEAD_LETTER' });
      return found.QueueUrl;
    } catch (error) {
      throw toFoundryError(error, `finding the DLQ of ${url}`, 'QUEUE_IO');
    }
  };

  const deadLetterUrlOf = (queue: PipelineQueueName): Promise<string> => {
    const configured = settings.deadLetterQueueUrls?.[queue];
    if (configured) return Promise.resolve(configured);
    let found = deadLetterUrls.get(queue);
    if (!found) {
      found = lookUpDeadLetterUrl(queue);
      // A failed look-up is not remembered: the next call tries again.
      found.catch(() => deadLetterUrls.delete(queue));
      deadLetterUrls.set(queue, found);
    }
    return found;
  };

  const receiveFrom = async (
    url: string,
    input: { max: number; visibilitySeconds: number; waitSeconds: number },
  ) => {
    try {
      const { Messages } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: input.max,
          VisibilityTimeout: input.visibilitySeconds,
          WaitTimeSeconds: input.waitSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      return Messages ?? [];
    } catch (error) {
      throw toFoundryError(error, `ReceiveMessage ${url}`, 'QUEUE_IO');
    }
  };

  const receiveCountOf = (message: Message): number => {
    const count = Number(message.Attributes?.ApproximateReceiveCount);
    return Number.isSafeInteger(count) && count > 0 ? count : 1;
  };

  return {
    async send(queue, messages) {
      const name = parseQueueName(queue, source);
      const bodies = encodeOutgoing(name, messages, `${source} "${name}"`);
      const url = urlOf(name);
      const entries = bodies.map((body, index) => ({
        Id: `m${index}`,
        MessageBody: body,
        label: (JSON.parse(body) as { idempotencyKey: string }).idempotencyKey,
      }));
      await batchWithRetry(
        entries,
        async (chunk) => {
          try {
            const { Failed } = await client.send(
              new SendMessageBatchCommand({
                QueueUrl: url,
                Entries: chunk.map(({ Id, MessageBody }) => ({ Id, MessageBody })),
              }),
            );
            return Failed ?? [];
          } catch (error) {
            throw toFoundryError(error, `SendMessageBatch ${url}`, 'QUEUE_IO');
          }
        },
        (failed) =>
          new SystemError(`SQS refused messages for "${name}" twice: ${failed}`, {
            code: 'QUEUE_SEND_FAILED',
          }),
      );
    },

    async receive(queue, receiveOptions) {
      const name = parseQueueName(queue, source);
      const { max, visibilityTimeoutMs, waitMs } = parseReceiveOptions(receiveOptions, source);
      const messages = await receiveFrom(urlOf(name), {
        max,
        visibilitySeconds: Math.ceil(visibilityTimeoutMs / 1000),
        waitSeconds: Math.ceil(waitMs / 1000),
      });
      return messages.map((message): QueueDelivery => {
        const body = message.Body ?? '';
        const judged = decodeBody(body, `${source} "${name}" message ${message.MessageId ?? ''}`.trim());
        return {
          receipt: message.ReceiptHandle ?? '',
          receiveCount: receiveCountOf(message),
          body,
          ...judged,
        };
      });
    },

    async ack(queue, receipts) {
      const name = parseQueueName(queue, source);
      const handles = parseReceipts(receipts, source);
      const url = urlOf(name);
      const entries = handles.map((handle, index) => ({
        Id: `r${index}`,
        ReceiptHandle: handle,
        label: `receipt ${index}`,
      }));
      await batchWithRetry(
        entries,
        async (chunk) => {
          try {
            const { Failed } = await client.send(
              new DeleteMessageBatchCommand({
                QueueUrl: url,
                Entries: chunk.map(({ Id, ReceiptHandle }) => ({ Id, ReceiptHandle })),
              }),
            );
            return Failed ?? [];
          } catch (error) {
            throw toFoundryError(error, `DeleteMessageBatch ${url}`, 'QUEUE_IO');
          }
        },
        (failed) =>
          new SystemError(`SQS could not delete from "${name}": ${failed}`, { code: 'QUEUE_ACK_FAILED' }),
      );
    },

    async deadLetters(queue) {
      const name = parseQueueName(queue, source);
      const url = await deadLetterUrlOf(name);
      // Read by receiving with a visibility timeout, then make every message visible again at once:
      // the DLQ keeps them all, and each peek adds one to their receive counts.
      const peeked: Message[] = [];
      for (;;) {
        const batch = await receiveFrom(url, {
          max: 10,
          visibilitySeconds: PEEK_VISIBILITY_SECONDS,
          waitSeconds: pollSeconds,
        });
        peeked.push(...batch);
        if (batch.length === 0 || peeked.length >= MAX_DEAD_LETTERS) break;
      }
      const entries = peeked.map((message, index) => ({
        Id: `p${index}`,
        ReceiptHandle: message.ReceiptHandle ?? '',
        label: message.MessageId ?? `message ${index}`,
      }));
      await batchWithRetry(
        entries,
        async (chunk) => {
          try {
            const { Failed } = await client.send(
              new ChangeMessageVisibilityBatchCommand({
                QueueUrl: url,
                Entries: chunk.map(({ Id, ReceiptHandle }) => ({ Id, ReceiptHandle, VisibilityTimeout: 0 })),
              }),
            );
            return Failed ?? [];
          } catch (error) {
            throw toFoundryError(error, `ChangeMessageVisibilityBatch ${url}`, 'QUEUE_IO');
          }
        },
        (failed) =>
          new SystemError(`could not release peeked DLQ messages: ${failed}`, { code: 'QUEUE_PEEK_FAILED' }),
      );
      const sentAt = (message: Message) => Number(message.Attributes?.SentTimestamp ?? 0);
      return peeked
        .map((message, index) => ({ message, index }))
        .sort((left, right) => sentAt(left.message) - sentAt(right.message) || left.index - right.index)
        .map(({ message }) => ({
          body: message.Body ?? '',
          receiveCount: Math.max(0, receiveCountOf(message) - 1),
        }));
    },
  };
}
