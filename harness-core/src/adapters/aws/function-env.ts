/**
 * The environment every foundry function reads once at start (FUNCTION_ENV): the bucket, the
 * registry and idempotency tables, one queue URL per pipeline queue, the model secret and, locally,
 * the emulator endpoints. Parsed at the boundary so a misconfigured function fails on its first
 * line, naming each missing or bad variable, rather than on its first message.
 */
import { z } from 'zod';
import { FUNCTION_ENV, PIPELINE_QUEUE_NAMES, type PipelineQueueName } from '../../ports/foundry-topology.ts';
import { parseWith } from '../../schema.ts';
import { DEFAULT_AWS_REGION } from './clients.ts';

export interface FunctionEnv {
  bucket: string;
  registryTable: string;
  idempotencyTable: string;
  queueUrls: Record<PipelineQueueName, string>;
  /** ARN or name of the Secrets Manager secret with model credentials, when the function has one. */
  modelSecret?: string;
  /** The role training jobs run as and the trainer's code: set for the functions that launch jobs. */
  training?: { roleArn: string; codeUri: string };
  region: string;
  /** Emulator endpoints (the local stack); absent on AWS. */
  endpoints: { s3?: string; sqs?: string; dynamodb?: string };
}

/** Unset and empty are the same to a Lambda console; both count as missing. */
const present = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

const bucketName = z
  .string({ error: 'required: the artifact bucket name' })
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 of a-z 0-9 . -)');
const tableName = (what: string) =>
  z
    .string({ error: `required: the ${what} table name` })
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name');
const queueUrl = (queue: string) =>
  z.url({ protocol: /^https?$/, error: `required: the URL of the "${queue}" queue` });
const endpoint = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const envSchema = z.object({
  [FUNCTION_ENV.bucket]: present(bucketName),
  [FUNCTION_ENV.registryTable]: present(tableName('registry')),
  [FUNCTION_ENV.idempotencyTable]: present(tableName('idempotency')),
  ...Object.fromEntries(
    PIPELINE_QUEUE_NAMES.map((queue) => [FUNCTION_ENV.queueUrl(queue), present(queueUrl(queue))]),
  ),
  [FUNCTION_ENV.modelSecret]: present(z.string().max(2048).optional()),
  [FUNCTION_ENV.trainingRoleArn]: present(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN')
      .optional(),
  ),
  [FUNCTION_ENV.trainerCodeUri]: present(
    z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.tar\.gz$/,
        'expected the s3 URI of sourcedir.tar.gz',
      )
      .optional(),
  ),
  AWS_REGION: present(
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected a region such as us-east-1')
      .optional(),
  ),
  [FUNCTION_ENV.endpoints.s3]: present(endpoint.optional()),
  [FUNCTION_ENV.endpoints.sqs]: present(endpoint.optional()),
  [FUNCTION_ENV.endpoints.dynamodb]: present(endpoint.optional()),
});

/**
 * Parses a function's environment; throws an `InputError` whose issues name each bad variable.
 *
 * @example
 * const env = parseFunctionEnv(process.env); // at module scope of a handler
 * const { store, registry, queue } = createAwsFoundry(env);
 */
export function parseFunctionEnv(env: Readonly<Record<string, string | undefined>>): FunctionEnv {
  const parsed = parseWith(envSchema, env, 'function environment', 'process.env') as Record<
    string,
    string | undefined
  >;
  const read = (name: string): string => parsed[name] ?? '';
  const endpoints: FunctionEnv['endpoints'] = {};
  for (const service of ['s3', 'sqs', 'dynamodb'] as const) {
    const value = parsed[FUNCTION_ENV.endpoints[service]];
    if (value !== undefined) endpoints[service] = value;
  }
  const modelSecret = parsed[FUNCTION_ENV.modelSecret];
  const roleArn = parsed[FUNCTION_ENV.trainingRoleArn];
  const codeUri = parsed[FUNCTION_ENV.trainerCodeUri];
  return {
    bucket: read(FUNCTION_ENV.bucket),
    registryTable: read(FUNCTION_ENV.registryTable),
    idempotencyTable: read(FUNCTION_ENV.idempotencyTable),
    queueUrls: Object.fromEntries(
      PIPELINE_QUEUE_NAMES.map((queue) => [queue, read(FUNCTION_ENV.queueUrl(queue))]),
    ) as Record<PipelineQueueName, string>,
    ...(modelSecret === undefined ? {} : { modelSecret }),
    ...(roleArn !== undefined && codeUri !== undefined ? { training: { roleArn, codeUri } } : {}),
    region: parsed.AWS_REGION ?? DEFAULT_AWS_REGION,
    endpoints,
  };
}
