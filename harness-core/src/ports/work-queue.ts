/**
 * `WorkQueue`: how the AEGIS stages hand work to each other when they run apart (the serverless
 * deployment and its local stack). Every message is a small `harnessx.message/1` envelope that names
 * store keys, never carries large payloads; consumers are idempotent on `idempotencyKey`, because
 * delivery is at least once. Embedded: an in-process queue; AWS: SQS with a DLQ per queue.
 */
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { findForbiddenKeys, parseJsonText, parseWith } from '../schema.ts';
import { PIPELINE_QUEUE_NAMES, type PipelineQueueName } from './foundry-topology.ts';

/** The largest envelope a queue accepts (bytes of its JSON). Anything bigger belongs in the store. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

const storeKeySchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9._\-/=+@]+$/, 'expected a store key (letters, digits and ._-/=+@)')
  .refine((key) => !key.split('/').includes('..') && !key.startsWith('/'), 'expected a relative store key');

export const STAGE_MESSAGE_TYPES = ['digest', 'plan', 'evolve', 'evaluate', 'critic', 'train'] as const;
export type StageMessageType = (typeof STAGE_MESSAGE_TYPES)[number];

export const stageMessageSchema = z
  .object({
    schemaVersion: z.literal('harnessx.message/1'),
    type: z.enum(STAGE_MESSAGE_TYPES),
    project: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a project name'),
    cycleId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'expected a cycle id'),
    /** Deterministic per unit of work: the same work always gets the same key, so retries dedupe. */
    idempotencyKey: z.string().min(1).max(250),
    /** Store keys this message refers to (e.g. `shard`: the evaluate shard's description). */
    refs: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/), storeKeySchema).default({}),
  })
  .strict();

export type StageMessage = z.output<typeof stageMessageSchema>;

/**
 * Which queue carries which message type (the `ingest` queue carries S3 notifications and
 * `training-events` EventBridge events only).
 */
export const QUEUE_OF_MESSAGE: Record<StageMessageType, PipelineQueueName> = {
  digest: 'digest',
  plan: 'plan',
  evolve: 'evolve',
  evaluate: 'evaluate',
  critic: 'critic',
  train: 'train',
};

/** Validates an envelope (object form); throws `InputError` naming the field. */
export function parseStageMessage(value: unknown, source = 'queue message'): StageMessage {
  const forbidden = findForbiddenKeys(value);
  if (forbidden.length > 0) throw new InputError('queue message', source, forbidden);
  return parseWith(stageMessageSchema, value, 'queue message', source);
}

/** Validates an envelope from its JSON text (a queue body). */
export function parseStageMessageText(text: string, source = 'queue message'): StageMessage {
  return parseStageMessage(parseJsonText(text, 'queue message', source), source);
}

/** One received message: its parsed envelope, or why it could not be parsed (never silently dropped). */
export interface QueueDelivery {
  /** Opaque handle for `ack`. */
  receipt: string;
  /** 1 on first delivery, 2 on the first redelivery, … */
  receiveCount: number;
  body: string;
  message?: StageMessage;
  invalid?: InputError;
}

export interface ReceiveOptions {
  /** At most this many messages (1–10; default 10). */
  max?: number;
  /** How long received messages stay hidden before they are redelivered (default 30 s). */
  visibilityTimeoutMs?: number;
  /** Long-poll up to this long for the first message (default 0: return at once). */
  waitMs?: number;
}

export interface WorkQueue {
  /**
   * Sends validated envelopes (in batches the transport allows). Throws `InputError` for an invalid
   * or oversized envelope before anything is sent.
   */
  send(queue: PipelineQueueName, messages: readonly StageMessage[]): Promise<void>;
  receive(queue: PipelineQueueName, options?: ReceiveOptions): Promise<QueueDelivery[]>;
  /** Deletes delivered messages: they will not be redelivered. */
  ack(queue: PipelineQueueName, receipts: readonly string[]): Promise<void>;
  /** Messages moved to the queue's dead-letter queue (after too many receives), oldest first. */
  deadLetters(queue: PipelineQueueName): Promise<{ body: string; receiveCount: number }[]>;
}

export { PIPELINE_QUEUE_NAMES };
