/**
 * Deploys foundry projects into the artifact bucket at `projects/<name>/project.json` and
 * `projects/<name>/baseline.json`, with the exact bytes `registerProject` writes. Never prunes:
 * the bucket holds everything else the foundry stores.
 */
import { Stack } from 'aws-cdk-lib';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';
import type { FoundryProjectFiles } from '../project-files.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';

export interface ProjectFilesDeploymentProps {
  readonly artifacts: ArtifactBucket;
  readonly projects: readonly FoundryProjectFiles[];
}

/** Findings on the stack-wide handler CDK creates for every BucketDeployment, with their reasons. */
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
    reason: 'The BucketDeployment handler reads the project files from the CDK bootstrap asset bucket.',
  },
] as const;

export class ProjectFilesDeployment extends Construct {
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ProjectFilesDeploymentProps) {
    super(scope, id);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      destinationBucket: props.artifacts.bucket,
      sources: props.projects.flatMap((project) => [
        Source.data(`projects/${project.name}/project.json`, project.projectJson),
        Source.data(`projects/${project.name}/baseline.json`, project.baselineJson),
      ]),
      prune: false,
      // The files are the registration's; deleting the stack must not delete the projects' data.
      retainOnDelete: true,
      contentType: 'application/json',
    });
    const stack = Stack.of(this);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      for (const { id, reason } of HANDLER_ACKNOWLEDGEMENTS) acknowledgeNagFinding(child, id, reason);
      acknowledgeNagFinding(
        child,
        `AwsSolutions-IAM5[Resource::<${props.artifacts.logicalId}.Arn>/*]`,
        'The BucketDeployment handler writes the project files; CDK grants it the whole destination bucket, and it runs only during deployment.',
      );
    }
  }
}
