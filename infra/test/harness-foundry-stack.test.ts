import {
  FOUNDRY_TABLES,
  FUNCTION_ENV,
  PIPELINE_QUEUE_NAMES,
  PIPELINE_STAGES,
  TRACE_NOTIFICATION,
  visibilityTimeoutSeconds,
} from '@harnessx/core';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessFoundryStack } from '../lib/stacks/harness-foundry-stack.ts';
import { removeTemporaryOutdirs, synthFoundry } from './support/synth.ts';
import { logicalIdOf, render, resourceProperties } from './support/template-queries.ts';

afterAll(removeTemporaryOutdirs);

let stack: HarnessFoundryStack;
let template: Template;

beforeAll(async () => {
  ({ stack, template } = await synthFoundry());
});

const stageOf = (queue: string) => {
  const stage = stack.foundry.stages.find((s) => s.definition.queue === queue);
  if (!stage) throw new Error(`no stage for ${queue}`);
  return stage;
};

/** A policy that denies every action unless the request came over TLS. */
const denyWithoutTlsShape = { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const denyWithoutTls = Match.objectLike(denyWithoutTlsShape);

describe('pipeline stages', () => {
  it('has one stage per queue of the shared topology', () => {
    expect(stack.foundry.stages.map((s) => s.definition.queue)).toEqual([...PIPELINE_QUEUE_NAMES]);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', PIPELINE_STAGES.length);
  });

  it.each(PIPELINE_STAGES.map((d) => [d.queue, d] as const))(
    '%s: DLQ, visibility timeout ≥ 6× the function timeout, TLS and encryption',
    (queue, definition) => {
      const stage = stageOf(queue);
      const queueProps = resourceProperties(template, logicalIdOf(stage.queue));
      const dlqId = logicalIdOf(stage.deadLetterQueue);
      const fnProps = resourceProperties(template, logicalIdOf(stage.handler.function));
      expect(queueProps.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: definition.maxReceiveCount,
      });
      expect(fnProps.Timeout).toBe(definition.timeoutSeconds);
      expect(queueProps.VisibilityTimeout).toBe(visibilityTimeoutSeconds(definition));
      expect(queueProps.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * (fnProps.Timeout as number));
      expect(resourceProperties(template, dlqId).MessageRetentionPeriod).toBe(14 * 24 * 3600);
      for (const id of [logicalIdOf(stage.queue), dlqId]) {
        expect(resourceProperties(template, id).SqsManagedSseEnabled).toBe(true);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls]) },
        });
      }
    },
  );

  it.each(PIPELINE_STAGES.map((d) => [d.queue, d] as const))(
    '%s: event source reports batch item failures with the defined batching',
    (queue, definition) => {
      const stage = stageOf(queue);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stage.queue), 'Arn'] },
        FunctionName: { Ref: logicalIdOf(stage.handler.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: definition.batchSize,
        MaximumBatchingWindowInSeconds:
          definition.maxBatchingWindowSeconds > 0 ? definition.maxBatchingWindowSeconds : Match.absent(),
      });
    },
  );

  it.each(PIPELINE_STAGES.map((d) => [d.functionName, d] as const))(
    '%s: Node 24 on ARM, X-Ray, its log group, the sandbox layer only if it uses the sandbox',
    (_name, definition) => {
      const stage = stageOf(definition.queue);
      const fn = resourceProperties(template, logicalIdOf(stage.handler.function));
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: definition.memoryMb,
        LoggingConfig: { LogGroup: { Ref: logicalIdOf(stage.handler.logGroup) } },
      });
      const layers = ((fn.Layers as unknown[]) ?? []).map(render);
      const layerId = logicalIdOf(stack.foundry.sandboxLayer.layer);
      expect(layers).toEqual(definition.usesSandbox ? [`<${layerId}>`] : []);
      expect(resourceProperties(template, logicalIdOf(stage.handler.logGroup)).RetentionInDays).toBe(30);
    },
  );

  it('gives every function the store, both tables and every queue URL, and no model secret unless named', () => {
    for (const stage of stack.foundry.stages) {
      const fn = resourceProperties(template, logicalIdOf(stage.handler.function));
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(render(env[FUNCTION_ENV.bucket])).toBe(`<${logicalIdOf(stack.foundry.artifacts.bucket)}>`);
      expect(render(env[FUNCTION_ENV.registryTable])).toBe(`<${logicalIdOf(stack.foundry.tables.registry)}>`);
      expect(render(env[FUNCTION_ENV.idempotencyTable])).toBe(
        `<${logicalIdOf(stack.foundry.tables.idempotency)}>`,
      );
      for (const queue of PIPELINE_QUEUE_NAMES) {
        expect(render(env[FUNCTION_ENV.queueUrl(queue)])).toBe(`<${logicalIdOf(stageOf(queue).queue)}>`);
      }
      expect(env[FUNCTION_ENV.modelSecret]).toBeUndefined();
      expect(env.POWERTOOLS_SERVICE_NAME).toBe(stage.definition.functionName);
      expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('HarnessX');
    }
  });
});

describe('artifact bucket', () => {
  it('is encrypted, versioned, blocks public access, logs access to the log bucket and is retained', () => {
    const bucketId = logicalIdOf(stack.foundry.artifacts.bucket);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalIdOf(stack.foundry.artifacts.accessLogBucket) },
          LogFilePrefix: 'artifacts/',
        },
      }),
    });
    expect(template.toJSON().Resources[bucketId].DeletionPolicy).toBe('Retain');
  });

  it('denies every request that does not use TLS', () => {
    for (const bucket of [stack.foundry.artifacts.bucket, stack.foundry.artifacts.accessLogBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalIdOf(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ ...denyWithoutTlsShape, Action: 's3:*' })]),
        },
      });
    }
  });

  it(`announces objects created under ${TRACE_NOTIFICATION.prefix} to the ingest queue, and nothing else`, () => {
    const ingestQueue = logicalIdOf(stageOf(TRACE_NOTIFICATION.queue).queue);
    const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(notifications).toHaveLength(1);
    const config = (notifications[0] as { Properties: Record<string, unknown> }).Properties
      .NotificationConfiguration;
    expect(config).toEqual({
      QueueConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: TRACE_NOTIFICATION.prefix }] } },
          QueueArn: { 'Fn::GetAtt': [ingestQueue, 'Arn'] },
        },
      ],
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ingestQueue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Condition: {
              ArnLike: {
                'aws:SourceArn': { 'Fn::GetAtt': [logicalIdOf(stack.foundry.artifacts.bucket), 'Arn'] },
              },
            },
          }),
        ]),
      },
    });
  });

  it('deploys the household project files without pruning the bucket', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: logicalIdOf(stack.foundry.artifacts.bucket) },
      Prune: false,
      RetainOnDelete: true,
    });
  });
});

describe('tables', () => {
  it.each(Object.entries(FOUNDRY_TABLES))(
    '%s: on demand, PITR, TTL, AWS managed encryption, retained',
    (name, definition) => {
      const table = stack.foundry.tables[name as keyof typeof FOUNDRY_TABLES];
      const resource = template.toJSON().Resources[logicalIdOf(table)];
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.Properties).toMatchObject({
        KeySchema: [{ AttributeName: definition.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: definition.partitionKey, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    },
  );
});

describe('alarms', () => {
  it('alarms on any dead letter and on any function error of every stage, into a TLS-only topic', () => {
    const topic = logicalIdOf(stack.foundry.alarms.topic);
    for (const stage of stack.foundry.stages) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stage.deadLetterQueue), 'QueueName'] } },
        ],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topic }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(stage.handler.function) } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: topic }],
      });
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2 * PIPELINE_STAGES.length);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: { Statement: Match.arrayWith([denyWithoutTls]) },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
