/**
 * The three ports on AWS, wired from a parsed function environment: S3 for artifacts, DynamoDB for
 * the registry, SQS for the pipeline queues. One set of clients per function instance, reused
 * across invocations.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Registry } from '../../ports/registry.ts';
import type { WorkQueue } from '../../ports/work-queue.ts';
import { type AwsClientOptions, createDynamoDbClient, createS3Client, createSqsClient } from './clients.ts';
import { createDynamoDbRegistry } from './dynamodb-registry.ts';
import type { FunctionEnv } from './function-env.ts';
import { createS3ArtifactStore } from './s3-artifact-store.ts';
import { createSqsWorkQueue } from './sqs-work-queue.ts';

export interface AwsFoundry {
  store: ArtifactStore;
  registry: Registry;
  queue: WorkQueue;
  /** Closes the SDK clients' sockets (tests, the local stack); a Lambda never needs to. */
  destroy(): void;
}

export interface AwsFoundryOptions {
  /** Clients to use instead of building them from the environment. */
  clients?: { s3?: S3Client; sqs?: SQSClient; dynamodb?: DynamoDBClient };
  /** Static credentials for clients built here (the emulators); otherwise the SDK's chain. */
  credentials?: AwsClientOptions['credentials'];
  clock?: Clock;
}

/**
 * Builds the foundry's ports from `parseFunctionEnv`'s result.
 *
 * @example
 * const foundry = createAwsFoundry(parseFunctionEnv(process.env));
 * await foundry.registry.recordFanIn(`shards:${cycleId}:candidates`, shardId);
 */
export function createAwsFoundry(env: FunctionEnv, options: AwsFoundryOptions = {}): AwsFoundry {
  const base = {
    region: env.region,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // Endpoints come from the parsed environment only, so one read of process.env configures everything.
    env: {},
  };
  const withEndpoint = (endpoint: string | undefined): AwsClientOptions =>
    endpoint === undefined ? base : { ...base, endpoint };
  const built: { destroy(): void }[] = [];
  const own = <T extends { destroy(): void }>(client: T): T => {
    built.push(client);
    return client;
  };
  const s3 = options.clients?.s3 ?? own(createS3Client(withEndpoint(env.endpoints.s3)));
  const sqs = options.clients?.sqs ?? own(createSqsClient(withEndpoint(env.endpoints.sqs)));
  const dynamodb =
    options.clients?.dynamodb ?? own(createDynamoDbClient(withEndpoint(env.endpoints.dynamodb)));
  return {
    store: createS3ArtifactStore({ bucket: env.bucket, client: s3 }),
    registry: createDynamoDbRegistry({
      tableName: env.registryTable,
      client: dynamodb,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    }),
    queue: createSqsWorkQueue({ queueUrls: env.queueUrls, client: sqs }),
    destroy() {
      for (const client of built) client.destroy();
    },
  };
}
