import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { FUNCTION_ENV, PIPELINE_QUEUE_NAMES } from '../../ports/foundry-topology.ts';
import { parseFunctionEnv } from './function-env.ts';

const queueUrl = (queue: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/harnessx-${queue}`;

const validEnv: Record<string, string> = {
  [FUNCTION_ENV.bucket]: 'harnessx-artifacts-123',
  [FUNCTION_ENV.registryTable]: 'harnessx-registry',
  [FUNCTION_ENV.idempotencyTable]: 'harnessx-idempotency',
  ...Object.fromEntries(PIPELINE_QUEUE_NAMES.map((queue) => [FUNCTION_ENV.queueUrl(queue), queueUrl(queue)])),
  AWS_REGION: 'eu-west-1',
  PATH: '/usr/bin',
};

describe('parseFunctionEnv', () => {
  it('reads every variable into a typed object, ignoring the rest of the environment', () => {
    expect(parseFunctionEnv(validEnv)).toEqual({
      bucket: 'harnessx-artifacts-123',
      registryTable: 'harnessx-registry',
      idempotencyTable: 'harnessx-idempotency',
      queueUrls: {
        ingest: queueUrl('ingest'),
        digest: queueUrl('digest'),
        plan: queueUrl('plan'),
        evolve: queueUrl('evolve'),
        evaluate: queueUrl('evaluate'),
        critic: queueUrl('critic'),
        train: queueUrl('train'),
        'training-events': queueUrl('training-events'),
      },
      region: 'eu-west-1',
      endpoints: {},
    });
  });

  it('reads the training role and trainer code together, and refuses malformed ones by name', () => {
    const training = {
      [FUNCTION_ENV.trainingRoleArn]: 'arn:aws:iam::123456789012:role/harnessx-training',
      [FUNCTION_ENV.trainerCodeUri]: 's3://harnessx-artifacts-123/code/trainer/abc/sourcedir.tar.gz',
    };
    expect(parseFunctionEnv({ ...validEnv, ...training }).training).toEqual({
      roleArn: 'arn:aws:iam::123456789012:role/harnessx-training',
      codeUri: 's3://harnessx-artifacts-123/code/trainer/abc/sourcedir.tar.gz',
    });
    expect(() =>
      parseFunctionEnv({ ...validEnv, ...training, [FUNCTION_ENV.trainerCodeUri]: 's3://bucket/code.zip' }),
    ).toThrow(new RegExp(FUNCTION_ENV.trainerCodeUri));
  });

  it('takes the model secret and the emulator endpoints when set, and defaults the region', () => {
    const env = parseFunctionEnv({
      ...validEnv,
      AWS_REGION: undefined,
      [FUNCTION_ENV.modelSecret]: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:models',
      [FUNCTION_ENV.endpoints.s3]: 'http://127.0.0.1:4566',
      [FUNCTION_ENV.endpoints.sqs]: 'http://127.0.0.1:4566',
      [FUNCTION_ENV.endpoints.dynamodb]: 'http://127.0.0.1:4567',
    });
    expect(env.modelSecret).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:models');
    expect(env.endpoints).toEqual({
      s3: 'http://127.0.0.1:4566',
      sqs: 'http://127.0.0.1:4566',
      dynamodb: 'http://127.0.0.1:4567',
    });
    expect(env.region).toBe('us-east-1');
  });

  it('names every missing or bad variable in one InputError', () => {
    const error = (() => {
      try {
        parseFunctionEnv({
          ...validEnv,
          [FUNCTION_ENV.bucket]: 'Bad_Bucket',
          [FUNCTION_ENV.registryTable]: '',
          [FUNCTION_ENV.queueUrl('critic')]: undefined,
          [FUNCTION_ENV.queueUrl('plan')]: 'not a url',
          [FUNCTION_ENV.endpoints.s3]: 'ftp://127.0.0.1',
          AWS_REGION: 'mars',
        });
      } catch (caught) {
        return caught as InputError;
      }
      throw new Error('accepted a bad environment');
    })();
    expect(error).toBeInstanceOf(InputError);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      [
        'AWS_ENDPOINT_URL_S3',
        'AWS_REGION',
        'HARNESSX_BUCKET',
        'HARNESSX_QUEUE_URL_CRITIC',
        'HARNESSX_QUEUE_URL_PLAN',
        'HARNESSX_REGISTRY_TABLE',
      ].sort(),
    );
    expect(error.message).toContain('required: the registry table name');
    expect(error.message).toContain('required: the URL of the "critic" queue');
  });
});
