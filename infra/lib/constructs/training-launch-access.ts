/**
 * What the training launcher needs beyond its store access: start, describe and tag the
 * foundry's own training jobs (`training-job/hx-*`), and pass the training role, to SageMaker only.
 */
import { TRAINING_JOB_NAME_PREFIX } from '@harnessx/core';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { acknowledgeNagFinding } from '../nag-acknowledgement.ts';

export const TRAINING_JOB_ACTIONS = [
  'sagemaker:CreateTrainingJob',
  'sagemaker:DescribeTrainingJob',
  'sagemaker:AddTags',
] as const;

export function grantTrainingLaunch(launcher: Role, trainingRole: IRole): void {
  const jobs = Stack.of(launcher).formatArn({
    service: 'sagemaker',
    resource: 'training-job',
    resourceName: `${TRAINING_JOB_NAME_PREFIX}*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  launcher.addToPrincipalPolicy(
    new PolicyStatement({ sid: 'LaunchTrainingJobs', actions: [...TRAINING_JOB_ACTIONS], resources: [jobs] }),
  );
  launcher.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'PassTrainingRole',
      actions: ['iam:PassRole'],
      resources: [trainingRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  );
  acknowledgeNagFinding(
    launcher,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:training-job/${TRAINING_JOB_NAME_PREFIX}*]`,
    `Training jobs are named at launch (${TRAINING_JOB_NAME_PREFIX}<project>-<cycle>-a<n>); the launcher may start, describe and tag only jobs with the foundry's prefix.`,
  );
}
