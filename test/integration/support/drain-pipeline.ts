/**
 * Runs the distributed stages in this process over any `WorkQueue`: receive from every stage queue,
 * hand each message to `handleStageMessage` (`deliveries` times, as an at-least-once queue may),
 * ack it once handled, until every queue is empty. A message whose handler throws stays unacked and
 * comes back after its visibility timeout, as on SQS.
 */
import {
  type DistributedFoundry,
  handleStageMessage,
  PIPELINE_QUEUE_NAMES,
  type StageMessage,
  type StageOutcome,
} from '@harnessx/core';

export interface DrainResult {
  handled: { message: StageMessage; outcome: StageOutcome }[];
  failures: { message: StageMessage; error: string }[];
}

export async function drainPipeline(
  foundry: DistributedFoundry,
  options: { deliveries?: number; visibilityTimeoutMs?: number; maxRounds?: number } = {},
): Promise<DrainResult> {
  const deliveries = options.deliveries ?? 1;
  const result: DrainResult = { handled: [], failures: [] };
  let idleRounds = 0;
  for (let round = 0; round < (options.maxRounds ?? 2000) && idleRounds < 3; round++) {
    let received = 0;
    for (const queue of PIPELINE_QUEUE_NAMES) {
      if (queue === 'ingest') continue;
      const batch = await foundry.queue.receive(queue, {
        max: 10,
        visibilityTimeoutMs: options.visibilityTimeoutMs ?? 50,
      });
      received += batch.length;
      for (const delivery of batch) {
        if (!delivery.message) throw new Error(`invalid message on ${queue}: ${delivery.invalid?.message}`);
        try {
          for (let attempt = 0; attempt < deliveries; attempt++) {
            const outcome = await handleStageMessage(foundry, delivery.message);
            result.handled.push({ message: delivery.message, outcome });
          }
          await foundry.queue.ack(queue, [delivery.receipt]);
        } catch (error) {
          result.failures.push({ message: delivery.message, error: (error as Error).message });
        }
      }
    }
    if (received === 0) {
      idleRounds += 1;
      await new Promise((resolve) => setTimeout(resolve, options.visibilityTimeoutMs ?? 50));
    } else idleRounds = 0;
  }
  return result;
}
