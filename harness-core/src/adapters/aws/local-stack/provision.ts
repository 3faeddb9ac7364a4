/**
 * Creates the foundry's resources on the local emulators from the shared topology (the CDK app
 * reads the same definitions): the artifact bucket, every stage queue with its dead-letter queue
 * and redrive policy, and the DynamoDB tables. Safe to run again on the same emulators.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { InputError, SystemError } from '../../../errors.ts';
import {
  FOUNDRY_TABLES,
  PIPELINE_STAGES,
  type PipelineQueueName,
  type PipelineStageDefinition,
  visibilityTimeoutSeconds,
} from '../../../ports/foundry-topology.ts';

export interface ProvisionOptions {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  /** Prefix of every resource name (lowercase letters, digits, `-`); default `harnessx`. */
  namePrefix?: string;
  /**
   * Visibility timeout of every stage queue instead of the topology's (six times the function's
   * timeout, up to 90 minutes): tests use a few seconds so a failed message comes back quickly.
   */
  visibilityTimeoutSeconds?: number;
}

export interface ProvisionedQueue {
  stage: PipelineStageDefinition;
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  deadLetter: { name: string; url: string; arn: string };
}

export interface ProvisionedResources {
  bucket: string;
  queues: Record<PipelineQueueName, ProvisionedQueue>;
  tables: Record<keyof typeof FOUNDRY_TABLES, string>;
}

const NAME_PREFIX = /^[a-z0-9][a-z0-9-]{1,30}$/;

/** The resource names a prefix gives; the same function names them when the stack is only read. */
export function localResourceNames(namePrefix = 'harnessx') {
  if (!NAME_PREFIX.test(namePrefix)) {
    throw new InputError('local stack option', 'provisionLocalStack', [
      { path: 'namePrefix', message: `expected 2-31 lowercase letters, digits or "-", got "${namePrefix}"` },
    ]);
  }
  return {
    bucket: `${namePrefix}-artifacts`,
    queue: (queue: PipelineQueueName) => `${namePrefix}-${queue}`,
    deadLetterQueue: (queue: PipelineQueueName) => `${namePrefix}-${queue}-dlq`,
    table: (table: keyof typeof FOUNDRY_TABLES) => `${namePrefix}-${table}`,
  };
}

/**
 * @example
 * const resources = await provisionLocalStack({ s3, sqs, dynamodb, visibilityTimeoutSeconds: 2 });
 * resources.queues.digest.url; // http://sqs.us-east-1.localhost:4566/000000000000/harnessx-digest
 */
export async function provisionLocalStack(options: ProvisionOptions): Promise<ProvisionedResources> {
  const override = options.visibilityTimeoutSeconds;
  if (override !== undefined && (!Number.isInteger(override) || override < 0 || override > 43_200)) {
    throw new InputError('local stack option', 'provisionLocalStack', [
      { path: 'visibilityTimeoutSeconds', message: `expected an integer 0-43200, got ${override}` },
    ]);
  }
  const names = localResourceNames(options.namePrefix);
  await createBucket(options.s3, names.bucket);
  const queues = {} as Record<PipelineQueueName, ProvisionedQueue>;
  for (const stage of PIPELINE_STAGES) {
    const deadLetter = await ensureQueue(options.sqs, names.deadLetterQueue(stage.queue), {});
    const visibility = override ?? visibilityTimeoutSeconds(stage);
    const queue = await ensureQueue(options.sqs, names.queue(stage.queue), {
      VisibilityTimeout: String(visibility),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: deadLetter.arn,
        maxReceiveCount: stage.maxReceiveCount,
      }),
    });
    queues[stage.queue] = { stage, ...queue, visibilityTimeoutSeconds: visibility, deadLetter };
  }
  const tables = {} as Record<keyof typeof FOUNDRY_TABLES, string>;
  for (const [table, definition] of Object.entries(FOUNDRY_TABLES) as [
    keyof typeof FOUNDRY_TABLES,
    (typeof FOUNDRY_TABLES)[keyof typeof FOUNDRY_TABLES],
  ][]) {
    tables[table] = names.table(table);
    await ensureTable(options.dynamodb, tables[table], definition.partitionKey);
  }
  return { bucket: names.bucket, queues, tables };
}

async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return;
    throw new SystemError(`cannot create bucket ${bucket}: ${(error as Error).message}`, { cause: error });
  }
}

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ name: string; url: string; arn: string }> {
  // Created bare, then configured: CreateQueue with attributes that differ from an existing queue's
  // fails, and a second `stack up` must be able to change the visibility timeout.
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = created.QueueUrl;
  if (!url) throw new SystemError(`CreateQueue ${name} returned no queue URL`);
  if (Object.keys(attributes).length > 0) {
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  const described = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = described.Attributes?.QueueArn;
  if (!arn) throw new SystemError(`GetQueueAttributes ${name} returned no QueueArn`);
  return { name, url, arn };
}

async function ensureTable(dynamodb: DynamoDBClient, table: string, partitionKey: string): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // The time-to-live settings of FOUNDRY_TABLES are not applied: dynalite has no UpdateTimeToLive,
  // and nothing local runs long enough for expiry to matter.
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
    const key = Table?.KeySchema?.[0]?.AttributeName;
    if (key !== partitionKey) {
      throw new SystemError(`table ${table} exists with partition key ${key}, expected ${partitionKey}`);
    }
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new SystemError(`table ${table} did not become ACTIVE`);
}
