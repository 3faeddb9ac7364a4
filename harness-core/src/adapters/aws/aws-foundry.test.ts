import { randomUUID } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENV, PIPELINE_QUEUE_NAMES } from '../../ports/foundry-topology.ts';
import { evaluateMessage } from '../contract-tests/index.ts';
import { createAwsFoundry } from './aws-foundry.ts';
import { createS3Client } from './clients.ts';
import { EMULATOR_CREDENTIALS, type RunningEmulators, startEmulators } from './emulators.ts';
import { parseFunctionEnv } from './function-env.ts';
import { createS3ArtifactStore } from './s3-artifact-store.ts';

let emulators: RunningEmulators;

beforeAll(async () => {
  emulators = await startEmulators();
});

afterAll(async () => {
  await emulators.stop();
});

describe('createAwsFoundry', () => {
  it('wires S3, DynamoDB and SQS from a parsed function environment', async () => {
    const id = randomUUID().slice(0, 8);
    const bucket = `hx-foundry-${id}`;
    const s3 = createS3Client(emulators.clientOptions(emulators.s3Endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    await emulators.createTable(`registry-${id}`);
    const queueVariables: Record<string, string> = {};
    for (const queue of PIPELINE_QUEUE_NAMES) {
      const { queueUrl } = await emulators.createQueueWithDeadLetter(`${id}-${queue}`);
      queueVariables[FUNCTION_ENV.queueUrl(queue)] = queueUrl;
    }
    const env = parseFunctionEnv({
      [FUNCTION_ENV.bucket]: bucket,
      [FUNCTION_ENV.registryTable]: `registry-${id}`,
      [FUNCTION_ENV.idempotencyTable]: `idempotency-${id}`,
      ...queueVariables,
      [FUNCTION_ENV.endpoints.s3]: emulators.s3Endpoint,
      [FUNCTION_ENV.endpoints.sqs]: emulators.sqsEndpoint,
      [FUNCTION_ENV.endpoints.dynamodb]: emulators.dynamodbEndpoint,
    });
    const foundry = createAwsFoundry(env, { credentials: { ...EMULATOR_CREDENTIALS } });
    try {
      expect(await foundry.store.putImmutable('cycles/c1/state.json', '{}')).toBe('created');
      expect(await foundry.store.list('cycles/')).toEqual(['cycles/c1/state.json']);
      expect(await foundry.registry.recordFanIn('shards:c1', 'shard-0')).toBe(1);
      expect(await foundry.registry.compareAndSetCurrent('household', undefined, 'sha256:a')).toBe(true);
      await foundry.queue.send('evaluate', [evaluateMessage(0)]);
      const [delivery] = await foundry.queue.receive('evaluate', { waitMs: 1_000 });
      expect(delivery?.message).toEqual(evaluateMessage(0));
      await foundry.queue.ack('evaluate', [delivery!.receipt]);
    } finally {
      foundry.destroy();
    }
  });
});

describe('startEmulators', () => {
  it('starts only what is asked for and says so when an absent one is used', async () => {
    const onlyDynamo = await startEmulators({ s3AndSqs: false });
    try {
      expect(onlyDynamo.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(() => onlyDynamo.s3Endpoint).toThrow('not started');
      expect(() => onlyDynamo.fauxqs).toThrow('not started');
      await onlyDynamo.createTable('only-dynamo');
    } finally {
      await onlyDynamo.stop();
    }
  });

  it('exposes fauxqs, whose spy sees S3 uploads', async () => {
    const s3 = createS3Client(emulators.clientOptions(emulators.s3Endpoint));
    const bucket = `hx-spy-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await createS3ArtifactStore({ bucket, client: s3 }).put('traces/p/a.json', '{}');
    const event = await emulators.fauxqs.spy.waitForMessage(
      { service: 's3', key: 'traces/p/a.json' },
      'uploaded',
    );
    expect(event).toMatchObject({ bucket, key: 'traces/p/a.json' });
    s3.destroy();
  });
});
