/**
 * `ArtifactBucket`: the artifact store (DESIGN §8) on S3: S3-managed encryption, TLS only, no public
 * access, versioned, retained by default, with server access logs in a separate log bucket. Objects
 * created under the trace prefix are announced to the trace queue (S3 -> SQS notification).
 */
import { TRACE_NOTIFICATION } from '@harnessx/core';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  EventType,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';

/** Server access logs older than this are deleted: they serve audits of recent access. */
const ACCESS_LOG_EXPIRY = Duration.days(90);

export interface ArtifactBucketProps {
  /** Receives an S3 event for every object created under `TRACE_NOTIFICATION.prefix`. */
  readonly traceQueue: IQueue;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class ArtifactBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Object ownership is left to CDK: log delivery by bucket policy or by ACL, per feature flag.
      lifecycleRules: [{ expiration: ACCESS_LOG_EXPIRY }],
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'artifacts/',
      removalPolicy,
    });
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(props.traceQueue), {
      prefix: TRACE_NOTIFICATION.prefix,
    });
    this.acknowledgeNotificationHandler();
  }

  /** The bucket's logical id, as cdk-nag names it in findings (`<LogicalId.Arn>`). */
  get logicalId(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
  }

  /** CDK's stack-wide handler that writes the notification configuration. */
  private acknowledgeNotificationHandler(): void {
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      acknowledgeNagFinding(
        child,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's own bucket-notifications custom resource handler; its role is created by aws-cdk-lib and only writes its own logs with this policy.",
      );
    }
  }
}
