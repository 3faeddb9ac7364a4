import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { parseTrainingJobStateChange } from './state-change-event.ts';

/** Shaped like the documented event (EventBridge events reference, SageMaker training job state change). */
function event(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: '844e2571-85d4-695f-b930-0153b71dcb42',
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account: '123456789012',
    time: '2026-11-24T12:26:13Z',
    region: 'us-east-1',
    resources: ['arn:aws:sagemaker:us-east-1:123456789012:training-job/hx-acme-c-20261124-01-a1'],
    detail: {
      TrainingJobName: 'hx-acme-c-20261124-01-a1',
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/hx-acme-c-20261124-01-a1',
      SecondaryStatus: 'Completed',
      HyperParameters: { sagemaker_program: '"train.py"' },
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/x:1',
        TrainingInputMode: 'File',
      },
      RoleArn: 'arn:aws:iam::123456789012:role/hx-sagemaker-training',
      OutputDataConfig: { KmsKeyId: '', S3OutputPath: 's3://hx-artifacts/models/acme/c-20261124-01/' },
      ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 100 },
      VpcConfig: {},
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      CreationTime: '1583831889050',
      LastModifiedTime: '1583832116000',
      SecondaryStatusTransitions: [],
      Tags: { 'harnessx:project': 'acme', 'harnessx:cycle': 'c-20261124-01' },
      ...detail,
    },
  };
}

const ARTIFACT = 's3://hx-artifacts/models/acme/c-20261124-01/hx-acme-c-20261124-01-a1/output/model.tar.gz';

describe('parseTrainingJobStateChange', () => {
  it('reads a Completed event with its artifacts and tags', () => {
    expect(
      parseTrainingJobStateChange(
        event({ TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: ARTIFACT } }),
      ),
    ).toEqual({
      jobName: 'hx-acme-c-20261124-01-a1',
      status: 'Completed',
      secondaryStatus: 'Completed',
      modelArtifactsUri: ARTIFACT,
      tags: { 'harnessx:project': 'acme', 'harnessx:cycle': 'c-20261124-01' },
      region: 'us-east-1',
      time: '2026-11-24T12:26:13Z',
    });
  });

  it('reads a Failed event with its FailureReason, also from an SQS body', () => {
    const failed = event({
      TrainingJobStatus: 'Failed',
      SecondaryStatus: 'Failed',
      FailureReason: 'AlgorithmError: ExecuteUserScriptError: exit code 2: E18 non-finite loss',
    });
    const fromBody = parseTrainingJobStateChange(JSON.stringify(failed), 'critic queue message m-1');
    expect(fromBody).toMatchObject({
      status: 'Failed',
      failureReason: 'AlgorithmError: ExecuteUserScriptError: exit code 2: E18 non-finite loss',
    });
    expect(fromBody.modelArtifactsUri).toBeUndefined();
  });

  it('refuses other events and malformed details, naming the path', () => {
    const cases: [unknown, string][] = [
      [
        { ...event({ TrainingJobStatus: 'Completed' }), 'detail-type': 'SageMaker Endpoint State Change' },
        'detail-type',
      ],
      [{ ...event({ TrainingJobStatus: 'Completed' }), source: 'aws.ec2' }, 'source'],
      [event({ TrainingJobStatus: 'Exploded' }), 'detail.TrainingJobStatus'],
      [event({ TrainingJobStatus: 'Completed', TrainingJobName: 'has spaces' }), 'detail.TrainingJobName'],
      [
        event({ TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: '/tmp/x' } }),
        'detail.ModelArtifacts.S3ModelArtifacts',
      ],
      [{ ...event({ TrainingJobStatus: 'Completed' }), detail: undefined }, 'detail'],
    ];
    for (const [input, path] of cases) {
      let caught: unknown;
      try {
        parseTrainingJobStateChange(input, 'test event');
      } catch (error) {
        caught = error;
      }
      expect(caught, path).toBeInstanceOf(InputError);
      expect(
        (caught as InputError).issues.map((issue) => issue.path),
        path,
      ).toContain(path);
      expect((caught as InputError).source).toBe('test event');
    }
    expect(() => parseTrainingJobStateChange('{not json', 'queue body')).toThrow(/not valid JSON/);
  });
});
