import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SystemError } from '../../errors.ts';
import { PIPELINE_QUEUE_NAMES, type PipelineQueueName } from '../../ports/foundry-topology.ts';
import { describeWorkQueueContract, evaluateMessage } from '../contract-tests/index.ts';
import { createSqsClient, resolveClientConfig } from './clients.ts';
import { type RunningEmulators, startEmulators } from './emulators.ts';
import { createSqsWorkQueue } from './sqs-work-queue.ts';

let emulators: RunningEmulators;
let client: SQSClient;

beforeAll(async () => {
  emulators = await startEmulators({ dynamodb: false });
  client = createSqsClient(emulators.clientOptions(emulators.sqsEndpoint));
});

afterAll(async () => {
  client.destroy();
  await emulators.stop();
});

type Urls = Record<PipelineQueueName, string>;

/** Every pipeline queue, each with its DLQ, under a fresh name prefix. */
async function newQueues(maxReceiveCount: number): Promise<{ queueUrls: Urls; deadLetterQueueUrls: Urls }> {
  const prefix = `q${randomUUID().slice(0, 8)}`;
  const queueUrls = {} as Urls;
  const deadLetterQueueUrls = {} as Urls;
  for (const queue of PIPELINE_QUEUE_NAMES) {
    const created = await emulators.createQueueWithDeadLetter(`${prefix}-${queue}`, {
      maxReceiveCount,
      visibilityTimeoutSeconds: 1,
    });
    queueUrls[queue] = created.queueUrl;
    deadLetterQueueUrls[queue] = created.deadLetterQueueUrl;
  }
  return { queueUrls, deadLetterQueueUrls };
}

describeWorkQueueContract('SQS on fauxqs', async () => {
  const { queueUrls } = await newQueues(2);
  // No DLQ URLs given: the queue finds each DLQ through its redrive policy.
  const queue = createSqsWorkQueue({ queueUrls, client, deadLetterPollSeconds: 0 });
  return {
    queue,
    sendRaw: async (name, body) => {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrls[name], MessageBody: body }));
    },
    maxReceiveCount: 2,
    visibilityTimeoutMs: 1_000,
  };
});

/**
 * A test double around the real client: SendMessageBatch drops the entries whose body contains one
 * of `failing` before they reach fauxqs, and reports them as failed, `failures` times per entry.
 */
class FlakyBatchTestDouble extends SQSClient {
  readonly attempts: number[] = [];
  private readonly remaining = new Map<string, number>();

  constructor(
    private readonly failing: readonly string[],
    failures: number,
  ) {
    super({ ...resolveClientConfig('sqs', emulators.clientOptions(emulators.sqsEndpoint)) });
    for (const marker of failing) this.remaining.set(marker, failures);
  }

  override send(command: unknown, ...rest: unknown[]): Promise<never> {
    if (!(command instanceof SendMessageBatchCommand)) {
      return (super.send as (...args: unknown[]) => Promise<never>)(command, ...rest);
    }
    const entries = command.input.Entries ?? [];
    this.attempts.push(entries.length);
    const dropped = entries.filter((entry) => {
      const marker = this.failing.find((candidate) => entry.MessageBody?.includes(candidate));
      if (marker === undefined || (this.remaining.get(marker) ?? 0) <= 0) return false;
      this.remaining.set(marker, (this.remaining.get(marker) ?? 0) - 1);
      return true;
    });
    const kept = entries.filter((entry) => !dropped.includes(entry));
    const forward = kept.length
      ? client.send(new SendMessageBatchCommand({ ...command.input, Entries: kept }))
      : Promise.resolve({ Successful: [], Failed: [] });
    return forward.then((result) => ({
      ...result,
      Failed: [
        ...(result.Failed ?? []),
        ...dropped.map((entry) => ({
          Id: entry.Id,
          SenderFault: false,
          Code: 'InternalError',
          Message: 'injected',
        })),
      ],
    })) as Promise<never>;
  }
}

describe('createSqsWorkQueue', () => {
  it('sends in batches of ten and retries entries a batch reported failed, once', async () => {
    const { queueUrls } = await newQueues(3);
    const flaky = new FlakyBatchTestDouble(['shard-3.json', 'shard-14.json'], 1);
    const queue = createSqsWorkQueue({ queueUrls, client: flaky });
    await queue.send(
      'evaluate',
      Array.from({ length: 23 }, (_, index) => evaluateMessage(index)),
    );
    expect(flaky.attempts).toEqual([10, 10, 3, 2]);
    const received = new Set<string>();
    for (let round = 0; round < 10 && received.size < 23; round++) {
      for (const delivery of await queue.receive('evaluate', { visibilityTimeoutMs: 30_000 })) {
        expect(received.has(delivery.body)).toBe(false);
        received.add(delivery.body);
      }
    }
    expect(received.size).toBe(23);
    flaky.destroy();
  });

  it('names the entries that failed twice in a SystemError, after sending the rest', async () => {
    const { queueUrls } = await newQueues(3);
    const flaky = new FlakyBatchTestDouble(['shard-1.json'], 2);
    const queue = createSqsWorkQueue({ queueUrls, client: flaky });
    const error = await queue
      .send('evaluate', [evaluateMessage(0), evaluateMessage(1), evaluateMessage(2)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).code).toBe('QUEUE_SEND_FAILED');
    expect((error as SystemError).message).toContain('household-c001:evaluate:shard-1');
    expect((error as SystemError).message).toContain('InternalError');
    const delivered = await queue.receive('evaluate', { visibilityTimeoutMs: 30_000 });
    expect(delivered.map((delivery) => delivery.message?.idempotencyKey).sort()).toEqual([
      'household-c001:evaluate:shard-0',
      'household-c001:evaluate:shard-2',
    ]);
    flaky.destroy();
  });

  it('reads a DLQ given by URL and keeps it oldest first', async () => {
    const { queueUrls, deadLetterQueueUrls } = await newQueues(1);
    const queue = createSqsWorkQueue({ queueUrls, deadLetterQueueUrls, client, deadLetterPollSeconds: 0 });
    for (const body of ['first', 'second', 'third']) {
      await client.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrls.plan, MessageBody: body }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const letters = await queue.deadLetters('plan');
    expect(letters.map((letter) => letter.body)).toEqual(['first', 'second', 'third']);
    expect((await queue.deadLetters('plan')).map((letter) => letter.body)).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  it('reports an unconfigured queue as SystemError, and a queue without a redrive policy', async () => {
    const { queueUrls } = await newQueues(1);
    const partial = createSqsWorkQueue({ queueUrls: { plan: queueUrls.plan }, client });
    const unconfigured = await partial
      .send('evaluate', [evaluateMessage(0)])
      .catch((caught: unknown) => caught);
    expect((unconfigured as SystemError).code).toBe('QUEUE_NOT_CONFIGURED');
    const bare = emulators.fauxqs.createQueue(`bare-${randomUUID().slice(0, 8)}`);
    const noDlq = createSqsWorkQueue({ queueUrls: { plan: bare.queueUrl }, client });
    const error = await noDlq.deadLetters('plan').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SystemError);
    expect((error as SystemError).code).toBe('QUEUE_NO_DEAD_LETTER');
  });

  it('refuses bad options', () => {
    expect(() => createSqsWorkQueue({ queueUrls: { plan: 'not a url' }, client })).toThrow(InputError);
    expect(() => createSqsWorkQueue({ queueUrls: { nowhere: 'http://x/q' } as never, client })).toThrow(
      InputError,
    );
    expect(() => createSqsWorkQueue({ queueUrls: {}, client, deadLetterPollSeconds: 21 })).toThrow(
      InputError,
    );
  });
});
