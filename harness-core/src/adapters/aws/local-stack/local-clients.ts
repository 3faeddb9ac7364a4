/**
 * SDK clients for the local stack's loopback emulators. The stack always speaks to its own
 * emulators with fixed test credentials, whatever the caller's AWS environment holds, so that a
 * developer's real credentials can never be sent to (or be needed by) the local stack.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDbClient, createS3Client, createSqsClient } from '../clients.ts';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../emulators.ts';

export const LOCAL_REGION = EMULATOR_REGION;
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CREDENTIALS = EMULATOR_CREDENTIALS;

export interface LocalEndpoints {
  s3: string;
  sqs: string;
  dynamodb: string;
}

export interface LocalClients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  destroy(): void;
}

export function createLocalClients(endpoints: LocalEndpoints): LocalClients {
  // No environment: the caller's AWS_* variables must not redirect or re-credential these clients.
  const common = { region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS }, env: {} };
  const s3 = createS3Client({ ...common, endpoint: endpoints.s3 });
  const sqs = createSqsClient({ ...common, endpoint: endpoints.sqs });
  const dynamodb = createDynamoDbClient({ ...common, endpoint: endpoints.dynamodb });
  return {
    s3,
    sqs,
    dynamodb,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamodb.destroy();
    },
  };
}

/** The ARN SQS gives a queue of this name in the local account (fauxqs uses the same form). */
export function localQueueArn(queueName: string): string {
  return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${queueName}`;
}
