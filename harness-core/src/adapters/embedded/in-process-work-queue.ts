/**
 * The embedded `WorkQueue`: in-memory queues with SQS's delivery semantics — at least once,
 * visibility timeouts, receive counts, and a dead-letter queue per queue after `maxReceiveCount`
 * receives — so the distributed stages can be run and tested in one process, no cloud involved.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PipelineQueueName } from '../../ports/foundry-topology.ts';
import type { QueueDelivery, WorkQueue } from '../../ports/work-queue.ts';
import { parseWith } from '../../schema.ts';
import {
  decodeBody,
  encodeOutgoing,
  parseQueueName,
  parseReceipts,
  parseReceiveOptions,
} from './queue-envelope.ts';

export interface InProcessWorkQueueOptions {
  /** Receives after which an unacknowledged message moves to the dead-letter queue (default 3). */
  maxReceiveCount?: number;
}

/** The in-process queue, plus a way in for bodies that did not come through `send`. */
export interface InProcessWorkQueue extends WorkQueue {
  /**
   * Enqueues `body` as it is, unvalidated — what a foreign producer (or a test) could put on a real
   * queue. Receivers see it like any other message, as `invalid` when it is not an envelope.
   */
  sendRaw(queue: PipelineQueueName, body: string): Promise<void>;
}

interface StoredMessage {
  id: string;
  body: string;
  receiveCount: number;
  /** Epoch ms from which the message may be received again. */
  visibleAt: number;
  /** Every receipt handed out for this message; any of them acks it, as on SQS. */
  receipts: string[];
}

const optionsSchema = z.object({ maxReceiveCount: z.int().min(1).max(1000).default(3) }).strict();

/** How often a long poll looks again; messages become visible on timers the queue does not own. */
const POLL_INTERVAL_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A `WorkQueue` held in this process's memory: lost when the process ends, shared by everything
 * holding this instance.
 *
 * @example
 * const queue = createInProcessWorkQueue({ maxReceiveCount: 3 });
 * await queue.send('digest', [message]);
 * const [delivery] = await queue.receive('digest', { visibilityTimeoutMs: 1_000 });
 */
export function createInProcessWorkQueue(options: InProcessWorkQueueOptions = {}): InProcessWorkQueue {
  const source = 'in-process work queue';
  const { maxReceiveCount } = parseWith(optionsSchema, options, 'work queue options', source);
  const queues = new Map<PipelineQueueName, StoredMessage[]>();
  const deadLetters = new Map<PipelineQueueName, { body: string; receiveCount: number }[]>();
  /** receipt → message id, so an ack finds its message whichever queue position it is at. */
  const receipts = new Map<string, string>();

  const forget = (message: StoredMessage): void => {
    for (const receipt of message.receipts) receipts.delete(receipt);
  };

  const messagesOf = (queue: PipelineQueueName): StoredMessage[] => {
    let messages = queues.get(queue);
    if (!messages) {
      messages = [];
      queues.set(queue, messages);
    }
    return messages;
  };

  const enqueue = (queue: PipelineQueueName, bodies: readonly string[]): void => {
    const now = Date.now();
    for (const body of bodies)
      messagesOf(queue).push({ id: randomUUID(), body, receiveCount: 0, visibleAt: now, receipts: [] });
  };

  /** Takes what is visible now, moving messages received too often to the dead-letter queue first. */
  const take = (queue: PipelineQueueName, max: number, visibilityTimeoutMs: number): QueueDelivery[] => {
    const messages = messagesOf(queue);
    const now = Date.now();
    const taken: QueueDelivery[] = [];
    for (let index = 0; index < messages.length && taken.length < max; index++) {
      const message = messages[index]!;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= maxReceiveCount) {
        messages.splice(index--, 1);
        forget(message);
        const letters = deadLetters.get(queue) ?? [];
        letters.push({ body: message.body, receiveCount: message.receiveCount });
        deadLetters.set(queue, letters);
        continue;
      }
      message.receiveCount += 1;
      message.visibleAt = now + visibilityTimeoutMs;
      const receipt = `${queue}:${message.id}:${message.receiveCount}:${randomUUID()}`;
      message.receipts.push(receipt);
      receipts.set(receipt, message.id);
      const judged = decodeBody(message.body, `${source} "${queue}"`);
      taken.push({ receipt, receiveCount: message.receiveCount, body: message.body, ...judged });
    }
    return taken;
  };

  return {
    async send(queue, messages) {
      const name = parseQueueName(queue, source);
      enqueue(name, encodeOutgoing(name, messages, `${source} "${name}"`));
    },

    async sendRaw(queue, body) {
      const name = parseQueueName(queue, source);
      enqueue(name, [parseWith(z.string(), body, 'raw message body', source)]);
    },

    async receive(queue, receiveOptions) {
      const name = parseQueueName(queue, source);
      const { max, visibilityTimeoutMs, waitMs } = parseReceiveOptions(receiveOptions, source);
      const deadline = Date.now() + waitMs;
      for (;;) {
        const taken = take(name, max, visibilityTimeoutMs);
        const remaining = deadline - Date.now();
        if (taken.length > 0 || remaining <= 0) return taken;
        await sleep(Math.min(POLL_INTERVAL_MS, remaining));
      }
    },

    async ack(queue, handed) {
      const name = parseQueueName(queue, source);
      const ids = new Set<string>();
      for (const receipt of parseReceipts(handed, source)) {
        const id = receipts.get(receipt);
        if (id !== undefined) ids.add(id);
      }
      // Like SQS, a receipt from an earlier delivery still deletes the message; unknown ones are no-ops.
      const kept = messagesOf(name).filter((message) => {
        if (!ids.has(message.id)) return true;
        forget(message);
        return false;
      });
      queues.set(name, kept);
    },

    async deadLetters(queue) {
      const name = parseQueueName(queue, source);
      return (deadLetters.get(name) ?? []).map((letter) => ({ ...letter }));
    },
  };
}
