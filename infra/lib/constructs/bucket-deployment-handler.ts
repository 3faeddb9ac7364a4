/**
 * cdk-nag findings on the stack-wide handler aws-cdk-lib creates for every `BucketDeployment`
 * (one singleton per stack, shared by the project files and the trainer code), acknowledged once
 * with their reasons by whichever deployment comes first.
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';

const HANDLER_ACKNOWLEDGEMENTS = [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "aws-cdk-lib's BucketDeployment handler role; the managed policy only lets it write its own logs.",
  },
  {
    id: 'AwsSolutions-L1',
    reason:
      "aws-cdk-lib's BucketDeployment handler pins the Python runtime its bundled AWS CLI layer supports.",
  },
  ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
    id: `AwsSolutions-IAM5[Action::${action}]`,
    reason: `aws-cdk-lib's BucketDeployment handler grants ${action} to copy the deployment's sources; it runs only during deployment.`,
  })),
  {
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
    reason: 'The BucketDeployment handler reads the deployed files from the CDK bootstrap asset bucket.',
  },
] as const;

const acknowledged = new WeakSet<IConstruct>();

/** Call after creating a `BucketDeployment` into `artifacts` from a construct in its stack. */
export function acknowledgeBucketDeploymentHandler(scope: IConstruct, artifacts: ArtifactBucket): void {
  for (const child of Stack.of(scope).node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment') || acknowledged.has(child)) continue;
    acknowledged.add(child);
    for (const { id, reason } of HANDLER_ACKNOWLEDGEMENTS) acknowledgeNagFinding(child, id, reason);
    acknowledgeNagFinding(
      child,
      `AwsSolutions-IAM5[Resource::<${artifacts.logicalId}.Arn>/*]`,
      'The BucketDeployment handler writes the deployed files; CDK grants it the whole destination bucket, and it runs only during deployment.',
    );
  }
}
