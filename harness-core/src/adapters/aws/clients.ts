/**
 * AWS SDK clients for the adapters. On AWS they use the SDK's default chain (region, credentials,
 * endpoints); the local stack points them at its loopback emulators through the SDK's per-service
 * endpoint variables (`AWS_ENDPOINT_URL_S3|SQS|DYNAMODB`) or an explicit endpoint.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { FUNCTION_ENV } from '../../ports/foundry-topology.ts';
import { parseWith } from '../../schema.ts';

export const DEFAULT_AWS_REGION = 'us-east-1';

export interface AwsClientOptions {
  /** Service endpoint; overrides `AWS_ENDPOINT_URL_<SERVICE>`. */
  endpoint?: string;
  /** Region; defaults to `AWS_REGION`, then `us-east-1`. */
  region?: string;
  /** Static credentials (emulators, tests); otherwise the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Where the endpoint and region variables are read from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

const optionsSchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected a region such as us-east-1')
      .optional(),
    credentials: z
      .object({
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
        sessionToken: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    env: z.record(z.string(), z.string().optional()).optional(),
  })
  .strict();

type Service = keyof typeof FUNCTION_ENV.endpoints;

interface ResolvedClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsClientOptions['credentials'];
}

/** The client configuration for `service`: explicit options first, then the environment, then the SDK's defaults. */
export function resolveClientConfig(service: Service, options: AwsClientOptions = {}): ResolvedClientConfig {
  const parsed = parseWith(optionsSchema, options, 'AWS client options', `${service} client`);
  const env = parsed.env ?? process.env;
  const fromEnv = env[FUNCTION_ENV.endpoints[service]];
  const endpoint =
    parsed.endpoint ??
    (fromEnv
      ? parseWith(z.url({ protocol: /^https?$/ }), fromEnv, 'endpoint', FUNCTION_ENV.endpoints[service])
      : undefined);
  const region = parsed.region ?? (env.AWS_REGION || DEFAULT_AWS_REGION);
  return {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
  };
}

/** An S3 client; path-style addressing whenever an endpoint is overridden (emulators have no virtual hosts). */
export function createS3Client(options: AwsClientOptions = {}): S3Client {
  const config = resolveClientConfig('s3', options);
  return new S3Client({ ...config, forcePathStyle: config.endpoint !== undefined });
}

export function createSqsClient(options: AwsClientOptions = {}): SQSClient {
  return new SQSClient(resolveClientConfig('sqs', options));
}

export function createDynamoDbClient(options: AwsClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(resolveClientConfig('dynamodb', options));
}
