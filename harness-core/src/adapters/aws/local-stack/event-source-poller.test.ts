import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { PIPELINE_STAGES, type PipelineStageDefinition } from '../../../ports/foundry-topology.ts';
import { type RunningEmulators, startEmulators } from '../emulators.ts';
import {
  type EventSourcePoller,
  type SqsLambdaHandler,
  startEventSourcePoller,
} from './event-source-poller.ts';
import { createLocalClients, type LocalClients } from './local-clients.ts';
import { readQueueDepth, waitForIdle } from './wait-for-idle.ts';

let emulators: RunningEmulators;
let clients: LocalClients;
const INGEST = PIPELINE_STAGES.find((stage) => stage.queue === 'ingest')!;
const EVALUATE = PIPELINE_STAGES.find((stage) => stage.queue === 'evaluate')!;

beforeAll(async () => {
  emulators = await startEmulators({ dynamodb: false });
  clients = createLocalClients({
    s3: emulators.s3Endpoint,
    sqs: emulators.sqsEndpoint,
    dynamodb: emulators.s3Endpoint,
  });
});

afterAll(async () => {
  clients?.destroy();
  await emulators?.stop();
});

let queueNumber = 0;
async function queueWith(bodies: string[]) {
  queueNumber += 1;
  const { queueUrl } = await emulators.createQueueWithDeadLetter(`poller-unit-${queueNumber}`, {
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 30,
  });
  await clients.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );
  return { queueUrl, queueArn: `arn:aws:sqs:us-east-1:000000000000:poller-unit-${queueNumber}` };
}

async function runOnce(
  stage: PipelineStageDefinition,
  bodies: string[],
  handler: SqsLambdaHandler,
  extra: { timeoutSeconds?: number; concurrency?: number } = {},
) {
  const queue = await queueWith(bodies);
  const poller: EventSourcePoller = startEventSourcePoller({
    sqs: clients.sqs,
    stage,
    handler,
    ...queue,
    ...extra,
  });
  try {
    for (let attempt = 0; attempt < 100 && poller.invocations().length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await poller.stop();
  }
  return { poller, depth: await readQueueDepth(clients.sqs, queue.queueUrl) };
}

describe('startEventSourcePoller', () => {
  it('fails the whole batch when the response names a record that is not in it', async () => {
    const { poller, depth } = await runOnce(INGEST, ['a', 'b'], async () => ({
      batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }],
    }));
    expect(poller.invocations()[0]).toMatchObject({ outcome: 'bad-response', deleted: [] });
    expect(depth.inFlight).toBe(2);
  });

  it('fails the whole batch on a malformed response', async () => {
    const { poller } = await runOnce(INGEST, ['a'], async () => ({ batchItemFailures: [{}] }));
    expect(poller.invocations()[0]?.outcome).toBe('bad-response');
  });

  it('treats no response, or an empty failure list, as every record done', async () => {
    for (const response of [undefined, { batchItemFailures: [] }]) {
      const { poller, depth } = await runOnce(INGEST, ['a', 'b'], async () => response);
      expect(poller.invocations()[0]).toMatchObject({ outcome: 'success' });
      expect(poller.invocations()[0]?.deleted).toHaveLength(2);
      expect(depth).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    }
  });

  it('fails the batch of an invocation that outlives the function timeout', async () => {
    const { poller, depth } = await runOnce(
      INGEST,
      ['slow'],
      () => new Promise((resolve) => setTimeout(() => resolve(undefined), 1500)),
      { timeoutSeconds: 0.2 },
    );
    expect(poller.invocations()[0]).toMatchObject({ outcome: 'timeout', deleted: [] });
    expect(depth.inFlight).toBe(1);
  });

  it('gives the handler a context counting down from the function timeout', async () => {
    let remaining = 0;
    let memory = '';
    await runOnce(INGEST, ['a'], async (_event, context) => {
      remaining = context.getRemainingTimeInMillis();
      memory = context.memoryLimitInMB;
    });
    expect(remaining).toBeGreaterThan(INGEST.timeoutSeconds * 1000 - 2000);
    expect(remaining).toBeLessThanOrEqual(INGEST.timeoutSeconds * 1000);
    expect(memory).toBe(String(INGEST.memoryMb));
  });

  it('runs up to `concurrency` invocations at once, each with at most batchSize records', async () => {
    let running = 0;
    let most = 0;
    const sizes: number[] = [];
    const queue = await queueWith(['1', '2', '3', '4']);
    const poller = startEventSourcePoller({
      sqs: clients.sqs,
      stage: EVALUATE,
      ...queue,
      concurrency: 2,
      handler: async (event) => {
        sizes.push(event.Records.length);
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 300));
        running -= 1;
      },
    });
    try {
      await waitForIdle({
        sqs: clients.sqs,
        queueUrls: { q: queue.queueUrl },
        busy: poller.inFlight,
        timeoutMs: 10_000,
      });
    } finally {
      await poller.stop();
    }
    expect(sizes).toEqual([1, 1, 1, 1]);
    expect(most).toBe(2);
  });

  it('refuses bad options with an InputError', () => {
    expect(() =>
      startEventSourcePoller({
        sqs: clients.sqs,
        stage: INGEST,
        queueUrl: 'http://x',
        queueArn: 'arn',
        handler: async () => {},
        concurrency: 0,
      }),
    ).toThrow(InputError);
  });
});
