/** What `harnessx stack status` shows of the queues: per stage queue its depth and its DLQ's. */
import { PIPELINE_QUEUE_NAMES, type PipelineQueueName } from '../../../ports/foundry-topology.ts';
import { createLocalClients, type LocalEndpoints } from './local-clients.ts';
import { type QueueDepth, readQueueDepth } from './wait-for-idle.ts';

export interface StackQueueDepth {
  queue: PipelineQueueName;
  depth: QueueDepth;
  deadLetters: number;
}

export async function readStackQueueDepths(state: {
  endpoints: LocalEndpoints;
  queues: Record<PipelineQueueName, string>;
  deadLetterQueues: Record<PipelineQueueName, string>;
}): Promise<StackQueueDepth[]> {
  const clients = createLocalClients(state.endpoints);
  try {
    return await Promise.all(
      PIPELINE_QUEUE_NAMES.map(async (queue) => {
        const [depth, dead] = await Promise.all([
          readQueueDepth(clients.sqs, state.queues[queue]),
          readQueueDepth(clients.sqs, state.deadLetterQueues[queue]),
        ]);
        return { queue, depth, deadLetters: dead.visible + dead.inFlight + dead.delayed };
      }),
    );
  } finally {
    clients.destroy();
  }
}
