/**
 * Sending a stage's follow-up messages at most once per idempotency key, in the common case: a
 * marker in the store records each sent message, so a redelivered message (or a second shard that
 * finds its group complete) does not send the same follow-up again and multiply the work
 * downstream. A crash between send and marker re-sends on the next delivery, which the consumers'
 * idempotency absorbs: at least once, never lost.
 */
import { createHash } from 'node:crypto';
import { QUEUE_OF_MESSAGE, type StageMessage } from '../../ports/work-queue.ts';
import type { DistributedFoundry } from './foundry.ts';

const markerKey = (message: StageMessage) =>
  `cycles/${message.cycleId}/sent/${createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32)}`;

/** Sends the messages not sent before (grouped by queue) and returns how many it sent. */
export async function sendOnce(
  foundry: DistributedFoundry,
  messages: readonly StageMessage[],
): Promise<number> {
  const unsent: StageMessage[] = [];
  for (const message of messages) {
    if ((await foundry.store.get(markerKey(message))) === undefined) unsent.push(message);
  }
  for (const queue of new Set(unsent.map((message) => QUEUE_OF_MESSAGE[message.type]))) {
    await foundry.queue.send(
      queue,
      unsent.filter((message) => QUEUE_OF_MESSAGE[message.type] === queue),
    );
  }
  for (const message of unsent) await foundry.store.put(markerKey(message), message.idempotencyKey);
  return unsent.length;
}
