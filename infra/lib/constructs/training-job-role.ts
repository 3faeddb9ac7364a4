/**
 * `TrainingJobRole`: the role SageMaker training jobs run as (DESIGN §9). It reads the job's
 * dataset (`datasets/grpo/training/`), the projects' base weights (`base-models/`) and the one
 * trainer code object; it reads and writes `models/` (the model output and the checkpoints the job
 * syncs under `models/<job>/checkpoints/`); it writes the training jobs' CloudWatch logs and pulls
 * the training image from the Deep Learning Containers registries. Nothing else: no other store
 * key, no queue, no table.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';
import type { ArtifactBucket } from './artifact-bucket.ts';

/** Where a job's composed dataset is (train-launch writes it). */
export const TRAINING_DATASET_PATTERN = 'datasets/grpo/training/*';
/** Where projects put base weights and tokenizers (`training.baseModelPrefix` must be under it). */
export const BASE_MODELS_PREFIX = 'base-models/';
/** Model output and checkpoints: `models/<job>/output/…`, `models/<job>/checkpoints/…`. */
export const MODELS_PATTERN = 'models/*';
/** SageMaker deletes a checkpoint in S3 when the job deletes it locally; only there. */
export const CHECKPOINTS_PATTERN = 'models/*/checkpoints/*';
export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/**
 * AWS Deep Learning Containers registry accounts (aws/sagemaker-python-sdk image_uri_config): the
 * training image is pulled from the one of the deployment's region.
 */
export const DLC_REGISTRY_ACCOUNTS = [
  '763104351884',
  '626614931356', // af-south-1
  '871362719292', // ap-east-1
  '364406365360', // ap-northeast-3
  '907027046896', // ap-southeast-3
  '692866216735', // eu-south-1
  '217643126080', // me-south-1
  '914824155844', // me-central-1
  '727897471807', // cn-*
] as const;

export interface TrainingJobRoleProps {
  readonly artifacts: ArtifactBucket;
  /** Key of the trainer's `sourcedir.tar.gz` in the artifact bucket. */
  readonly trainerCodeKey: string;
}

export class TrainingJobRole extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TrainingJobRoleProps) {
    super(scope, id);
    const bucket = props.artifacts.bucket;
    const stack = Stack.of(this);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'HarnessX GRPO training jobs (SageMaker)',
    });
    const readOnly = [TRAINING_DATASET_PATTERN, `${BASE_MODELS_PREFIX}*`];
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadTrainingInputs',
        actions: ['s3:GetObject'],
        resources: [...readOnly, MODELS_PATTERN, props.trainerCodeKey].map((key) =>
          bucket.arnForObjects(key),
        ),
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteModels',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(MODELS_PATTERN)],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DeleteOwnCheckpoints',
        actions: ['s3:DeleteObject'],
        resources: [bucket.arnForObjects(CHECKPOINTS_PATTERN)],
      }),
    );
    // S3 data channels and the checkpoint sync list their prefixes.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListTrainingPrefixes',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [...readOnly, MODELS_PATTERN] } },
      }),
    );
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${TRAINING_LOG_GROUP}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'TrainingJobLogs',
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:DescribeLogStreams',
        ],
        resources: [logGroupArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    );
    const registries = DLC_REGISTRY_ACCOUNTS.map((account) =>
      stack.formatArn({ service: 'ecr', account, resource: 'repository', resourceName: '*' }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PullTrainingImage',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: registries,
      }),
    );
    this.acknowledge(props);
  }

  private acknowledge(props: TrainingJobRoleProps): void {
    const bucketArn = `<${props.artifacts.logicalId}.Arn>`;
    const objects: [string, string][] = [
      [
        TRAINING_DATASET_PATTERN,
        'the dataset train-launch composes for each job is read as its training channel',
      ],
      [`${BASE_MODELS_PREFIX}*`, "the projects' base weights and tokenizers are read as the model channel"],
      [MODELS_PATTERN, 'a job writes its model and checkpoints under models/<job>/ and resumes from them'],
      [CHECKPOINTS_PATTERN, 'SageMaker deletes in S3 the checkpoints the job deletes locally'],
    ];
    for (const [pattern, why] of objects) {
      acknowledgeNagFinding(
        this.role,
        `AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`,
        `Training jobs are named at run time (hx-<project>-<cycle>-a<n>); ${why}.`,
      );
    }
    acknowledgeNagFinding(
      this.role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${TRAINING_LOG_GROUP}:*]`,
      'SageMaker writes one log stream per training job and instance into this fixed log group.',
    );
    acknowledgeNagFinding(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken supports no resource-level permissions; the image pull itself is limited to the DLC registries.',
    );
    for (const account of DLC_REGISTRY_ACCOUNTS) {
      acknowledgeNagFinding(
        this.role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:${account}:repository/*]`,
        'The training image is an AWS Deep Learning Container whose repository and tag a project chooses; pulls are read-only and limited to the DLC registry accounts.',
      );
    }
  }
}
