/**
 * Grants one function exactly what `STORE_ACCESS` lists for it: s3:GetObject / s3:PutObject (and
 * s3:DeleteObject on its transient `remove` patterns) on `bucket/<pattern>`, s3:ListBucket limited to those patterns by `s3:prefix`, sqs:SendMessage on
 * the queues it sends to, item-level DynamoDB actions on the foundry tables (never Scan), and
 * secretsmanager:GetSecretValue on the model secret. Each wildcard resource is acknowledged for
 * cdk-nag separately, with the table as its reason.
 */
import { type PipelineQueueName, SystemError } from '@harnessx/core';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';
import { readablePatterns, type StoreAccess } from '../store-access.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';

/** The registry's conditional writes and Powertools idempotency records; no Scan, no batch reads. */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:Query',
] as const;

export interface FoundryAccessGrant {
  readonly role: Role;
  readonly functionName: string;
  readonly access: StoreAccess;
  readonly artifacts: ArtifactBucket;
  readonly queues: ReadonlyMap<PipelineQueueName, IQueue>;
  readonly tables: readonly ITable[];
  /** @default - no secret */
  readonly modelSecret?: ISecret;
}

export function grantFoundryAccess(grant: FoundryAccessGrant): void {
  const { role, access, artifacts } = grant;
  const bucket = artifacts.bucket;
  const readable = readablePatterns(access);
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadStore',
      actions: ['s3:GetObject'],
      resources: readable.map((pattern) => bucket.arnForObjects(pattern)),
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'WriteStore',
      actions: ['s3:PutObject'],
      resources: access.write.map((pattern) => bucket.arnForObjects(pattern)),
    }),
  );
  if (access.remove && access.remove.length > 0) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'RemoveTransient',
        actions: ['s3:DeleteObject'],
        resources: access.remove.map((pattern) => bucket.arnForObjects(pattern)),
      }),
    );
  }
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ListStore',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': readable } },
    }),
  );
  const sendTo = access.sendsTo.map((name) => {
    const queue = grant.queues.get(name);
    if (!queue) throw new SystemError(`${grant.functionName} sends to queue ${name}, which does not exist`);
    return queue.queueArn;
  });
  if (sendTo.length > 0) {
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'SendToStages', actions: ['sqs:SendMessage'], resources: sendTo }),
    );
  }
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'FoundryTables',
      actions: [...TABLE_ACTIONS],
      resources: grant.tables.map((table) => table.tableArn),
    }),
  );
  if (grant.modelSecret) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ModelSecret',
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue'],
        // A secret's ARN ends in six random characters; a name-only reference must match them.
        resources: [
          Stack.of(role).formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${grant.modelSecret.secretName}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }
  for (const pattern of new Set([...readable, ...(access.remove ?? [])])) {
    acknowledgeNagFinding(
      role,
      `AwsSolutions-IAM5[Resource::<${artifacts.logicalId}.Arn>/${pattern}]`,
      `${grant.functionName} works on the store keys under ${pattern} (infra/lib/store-access.ts, the one table of per-function store access).`,
    );
  }
}
