/**
 * The local AWS emulators, started in this process on loopback ports: fauxqs (S3 and SQS) and
 * dynalite (DynamoDB, in memory). Tests and the local stack run the AWS adapters against them over
 * the real wire protocols. Neither emulator enforces S3 conditional writes (see
 * `startConditionalPutProxy`) or delivers S3 notifications.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { z } from 'zod';
import { SystemError } from '../../errors.ts';
import { parseWith } from '../../schema.ts';
import { type AwsClientOptions, createDynamoDbClient, createSqsClient } from './clients.ts';

/** Credentials the emulators accept (they check none); never real ones. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const EMULATOR_REGION = 'us-east-1';

export interface EmulatorOptions {
  /** Start fauxqs for S3 and SQS (default true). */
  s3AndSqs?: boolean;
  /** Start dynalite for DynamoDB (default true). */
  dynamodb?: boolean;
}

export interface RunningEmulators {
  /** Reading an endpoint of an emulator that was not started throws `SystemError`. */
  readonly s3Endpoint: string;
  readonly sqsEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** The fauxqs server (its `spy` sees S3 and SQS events). */
  readonly fauxqs: FauxqsServer;
  /** Client options for an emulator endpoint: loopback, test credentials, `us-east-1`. */
  clientOptions(endpoint: string): AwsClientOptions;
  /** Creates a DynamoDB table keyed by the string `partitionKey` and waits until it is active. */
  createTable(tableName: string, partitionKey?: string): Promise<void>;
  /** Creates an SQS queue and its DLQ (`<name>-dlq`) with a redrive policy; returns both URLs. */
  createQueueWithDeadLetter(
    name: string,
    options?: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number },
  ): Promise<{ queueUrl: string; deadLetterQueueUrl: string }>;
  stop(): Promise<void>;
}

interface DynaliteServer extends Server {
  close(callback?: (error?: Error) => void): this;
}
type Dynalite = (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => DynaliteServer;

/** dynalite is CommonJS without types; its factory returns a plain `http.Server`. */
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export function emulatorClientOptions(endpoint: string): AwsClientOptions {
  return { endpoint, region: EMULATOR_REGION, credentials: { ...EMULATOR_CREDENTIALS } };
}

async function startDynalite(): Promise<{ server: DynaliteServer; endpoint: string }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function waitForTable(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new SystemError(`table ${tableName} did not become active`, { code: 'EMULATOR' });
}

/**
 * Starts the emulators on loopback port 0 and returns their endpoints.
 *
 * @example
 * const emulators = await startEmulators();
 * const s3 = createS3Client(emulators.clientOptions(emulators.s3Endpoint));
 * await emulators.stop();
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<RunningEmulators> {
  parseWith(
    z.object({ s3AndSqs: z.boolean(), dynamodb: z.boolean() }).partial().strict(),
    options,
    'emulator options',
    'startEmulators',
  );
  const fauxqs =
    options.s3AndSqs === false
      ? undefined
      : await startFauxqs({ port: 0, logger: false, messageSpies: true });
  let dynamo: Awaited<ReturnType<typeof startDynalite>> | undefined;
  try {
    dynamo = options.dynamodb === false ? undefined : await startDynalite();
  } catch (error) {
    await fauxqs?.stop();
    throw error;
  }
  const fauxqsEndpoint = fauxqs ? `http://127.0.0.1:${fauxqs.port}` : undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new SystemError(`${what} was not started`, { code: 'EMULATOR' });
    return value;
  };

  return {
    get s3Endpoint() {
      return need(fauxqsEndpoint, 'the S3 emulator');
    },
    get sqsEndpoint() {
      return need(fauxqsEndpoint, 'the SQS emulator');
    },
    get dynamodbEndpoint() {
      return need(dynamo?.endpoint, 'the DynamoDB emulator');
    },
    get fauxqs() {
      return need(fauxqs, 'fauxqs');
    },
    clientOptions: emulatorClientOptions,

    async createTable(tableName, partitionKey = 'pk') {
      const client = createDynamoDbClient(
        emulatorClientOptions(need(dynamo?.endpoint, 'the DynamoDB emulator')),
      );
      try {
        await client.send(
          new CreateTableCommand({
            TableName: tableName,
            KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
        await waitForTable(client, tableName);
      } finally {
        client.destroy();
      }
    },

    async createQueueWithDeadLetter(name, queueOptions = {}) {
      const client = createSqsClient(emulatorClientOptions(need(fauxqsEndpoint, 'the SQS emulator')));
      try {
        const dead = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
        const deadLetterQueueUrl = need(dead.QueueUrl, 'the dead-letter queue');
        const { Attributes } = await client.send(
          new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
        );
        const redrive = {
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: queueOptions.maxReceiveCount ?? 3,
        };
        const created = await client.send(
          new CreateQueueCommand({
            QueueName: name,
            Attributes: {
              RedrivePolicy: JSON.stringify(redrive),
              VisibilityTimeout: String(queueOptions.visibilityTimeoutSeconds ?? 30),
            },
          }),
        );
        return { queueUrl: need(created.QueueUrl, 'the queue'), deadLetterQueueUrl };
      } finally {
        client.destroy();
      }
    },

    async stop() {
      const closing: Promise<unknown>[] = [];
      if (fauxqs) closing.push(fauxqs.stop());
      if (dynamo) {
        const server = dynamo.server;
        // Clients keep sockets alive; without this, close waits for them.
        server.closeAllConnections();
        closing.push(new Promise<void>((resolve) => server.close(() => resolve())));
      }
      await Promise.all(closing);
    },
  };
}
