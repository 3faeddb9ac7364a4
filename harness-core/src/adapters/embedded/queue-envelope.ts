/**
 * The boundary checks every `WorkQueue` adapter shares (in-process and SQS): which queue names exist,
 * what may be sent where, how big an envelope may be, and how a received body is judged. Kept in one
 * place so a message one adapter accepts can never be refused by the other.
 */
import { z } from 'zod';
import { InputError, type InputIssue } from '../../errors.ts';
import { PIPELINE_QUEUE_NAMES, type PipelineQueueName } from '../../ports/foundry-topology.ts';
import {
  MAX_MESSAGE_BYTES,
  parseStageMessage,
  parseStageMessageText,
  QUEUE_OF_MESSAGE,
  type ReceiveOptions,
  type StageMessage,
} from '../../ports/work-queue.ts';
import { parseWith } from '../../schema.ts';

/** Longest visibility timeout SQS allows (12 hours); both adapters accept the same range. */
export const MAX_VISIBILITY_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** Longest long poll SQS allows (20 s). */
export const MAX_WAIT_MS = 20_000;

const queueNameSchema = z.enum(PIPELINE_QUEUE_NAMES);

const receiveOptionsSchema = z
  .object({
    max: z.int().min(1).max(10).default(10),
    visibilityTimeoutMs: z.int().min(0).max(MAX_VISIBILITY_TIMEOUT_MS).default(30_000),
    waitMs: z.int().min(0).max(MAX_WAIT_MS).default(0),
  })
  .strict();

export type ResolvedReceiveOptions = z.output<typeof receiveOptionsSchema>;

/** The queue name, or an `InputError` listing the queues that exist. */
export function parseQueueName(queue: unknown, source: string): PipelineQueueName {
  return parseWith(queueNameSchema, queue, 'queue name', source);
}

/** Receive options with their defaults (max 10, visibility 30 s, no wait). */
export function parseReceiveOptions(options: ReceiveOptions | undefined, source: string) {
  return parseWith(receiveOptionsSchema, options ?? {}, 'receive options', source);
}

/** Receipts handed to `ack`: an array of non-empty strings. */
export function parseReceipts(receipts: unknown, source: string): string[] {
  return parseWith(z.array(z.string().min(1)), receipts, 'receipts', source);
}

/**
 * Validates a whole send before anything leaves: every envelope parsed, routed to the queue its
 * type belongs on, and no bigger than `MAX_MESSAGE_BYTES`. Returns the bodies to send, in order;
 * throws one `InputError` listing every problem, by message index.
 */
export function encodeOutgoing(queue: PipelineQueueName, messages: unknown, source: string): string[] {
  if (!Array.isArray(messages)) {
    throw new InputError('queue messages', source, [{ path: '', message: 'expected an array of envelopes' }]);
  }
  const issues: InputIssue[] = [];
  const bodies: string[] = [];
  messages.forEach((value: unknown, index) => {
    const at = (path: string) => (path === '' ? `[${index}]` : `[${index}].${path}`);
    let message: StageMessage;
    try {
      message = parseStageMessage(value, source);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const issue of error.issues) issues.push({ path: at(issue.path), message: issue.message });
      return;
    }
    if (QUEUE_OF_MESSAGE[message.type] !== queue) {
      issues.push({
        path: at('type'),
        message: `a "${message.type}" message belongs on the "${QUEUE_OF_MESSAGE[message.type]}" queue, not "${queue}"`,
      });
      return;
    }
    const body = JSON.stringify(message);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES) {
      issues.push({
        path: at(''),
        message: `the envelope is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit; put the payload in the artifact store and send its key in refs`,
      });
      return;
    }
    bodies.push(body);
  });
  if (issues.length > 0) throw new InputError('queue message', source, issues);
  return bodies;
}

/** A received body judged: its envelope, or the `InputError` saying why it is not one (never dropped). */
export function decodeBody(body: string, source: string): { message?: StageMessage; invalid?: InputError } {
  try {
    return { message: parseStageMessageText(body, source) };
  } catch (error) {
    if (error instanceof InputError) return { invalid: error };
    throw error;
  }
}
