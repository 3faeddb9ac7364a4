import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, SystemError, TransientError } from '../../../errors.ts';
import type { TrainingBackend } from '../../../ports/training-backend.ts';
import { buildCreateTrainingJobRequest } from './create-request.ts';
import { sampleSpec } from './fixtures/training-spec.ts';
import { type SageMakerStub, startSageMakerStub } from './sagemaker-stub.ts';
import { createSageMakerTrainingBackend } from './sagemaker-training-backend.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let stub: SageMakerStub;
let client: SageMakerClient;
let backend: TrainingBackend;

beforeAll(async () => {
  stub = await startSageMakerStub();
  // One attempt: the throttling tests must see the stub's answer, not the SDK's retries.
  client = new SageMakerClient({ region: 'us-east-1', endpoint: stub.endpoint, credentials, maxAttempts: 1 });
  backend = createSageMakerTrainingBackend({ client, region: 'us-east-1' });
});

afterAll(async () => {
  client.destroy();
  await stub.close();
});

function createRequests(jobName: string) {
  return stub.requests.filter(
    (request) =>
      request.operation === 'CreateTrainingJob' &&
      (request.body as { TrainingJobName?: string }).TrainingJobName === jobName,
  );
}

describe('SageMaker training backend against the local SageMaker stub', () => {
  it('sends exactly the built request over JSON 1.1 and the service checks accept it', async () => {
    const spec = sampleSpec({
      jobName: 'hx-acme-wire-a1',
      initAdapterUri: 's3://hx-artifacts/models/acme/prev/',
    });
    await expect(backend.launch(spec)).resolves.toEqual({ jobName: 'hx-acme-wire-a1', outcome: 'created' });
    const [sent] = createRequests('hx-acme-wire-a1');
    expect(sent?.contentType).toBe('application/x-amz-json-1.1');
    expect(sent?.body).toEqual(JSON.parse(JSON.stringify(buildCreateTrainingJobRequest(spec))));
    const stored = stub.job('hx-acme-wire-a1') as Record<string, unknown>;
    expect(stored.EnableManagedSpotTraining).toBe(true);
    expect(stored.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(stored.CheckpointConfig).toEqual({
      S3Uri: 's3://hx-artifacts/checkpoints/acme/c-20261124-01/',
      LocalPath: '/opt/ml/checkpoints',
    });
    expect(
      (stored.InputDataConfig as { ChannelName: string }[]).map((channel) => channel.ChannelName),
    ).toEqual(['train', 'model', 'init_adapter']);
    expect(stored.Tags).toEqual([
      { Key: 'harnessx:cycle', Value: 'c-20261124-01' },
      { Key: 'harnessx:project', Value: 'acme' },
    ]);
  });

  it('treats a second launch of the same job name as already launched', async () => {
    const spec = sampleSpec({ jobName: 'hx-acme-dup-a1' });
    await expect(backend.launch(spec)).resolves.toEqual({ jobName: 'hx-acme-dup-a1', outcome: 'created' });
    await expect(backend.launch(spec)).resolves.toEqual({ jobName: 'hx-acme-dup-a1', outcome: 'exists' });
    expect(createRequests('hx-acme-dup-a1')).toHaveLength(2);
  });

  it('validates the spec before anything is sent', async () => {
    const before = stub.requests.length;
    await expect(
      backend.launch(sampleSpec({ jobName: 'hx-acme-cpu-a1', instanceType: 'ml.m5.xlarge' })),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      backend.launch(sampleSpec({ jobName: 'hx-acme-wait-a1', maxWaitSeconds: 600 })),
    ).rejects.toThrow(/maxWaitSeconds/);
    expect(stub.requests.length).toBe(before);
  });

  it('the stub answers ValidationException for what the service would refuse', async () => {
    const request = buildCreateTrainingJobRequest(sampleSpec({ jobName: 'hx-acme-raw-a1' }));
    const cases: [string, (r: typeof request) => void, RegExp][] = [
      ['no role', (r) => delete r.RoleArn, /roleArn|RoleArn/],
      [
        'spot without max wait',
        (r) => delete r.StoppingCondition?.MaxWaitTimeInSeconds,
        /MaxWaitTimeInSeconds/,
      ],
      [
        'wait below runtime',
        (r) => Object.assign(r.StoppingCondition ?? {}, { MaxWaitTimeInSeconds: 60 }),
        /MaxWaitTimeInSeconds must be >= MaxRuntimeInSeconds/,
      ],
      [
        'long hyperparameter',
        (r) => Object.assign(r.HyperParameters ?? {}, { config: 'x'.repeat(2501) }),
        /config/,
      ],
      ['duplicate channel', (r) => r.InputDataConfig?.push(r.InputDataConfig[0] as never), /unique/],
    ];
    for (const [label, mutate, message] of cases) {
      const broken = structuredClone(request);
      mutate(broken);
      const error = await client.send(new CreateTrainingJobCommand(broken)).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.name, label).toBe('ValidationException');
      expect(error?.message, label).toMatch(message);
    }
    expect(stub.job('hx-acme-raw-a1')).toBeUndefined();
  });

  it('describe maps each state, the failure reason, artifacts and billing', async () => {
    await backend.launch(sampleSpec({ jobName: 'hx-acme-states-a1' }));
    await expect(backend.describe('hx-acme-states-a1')).resolves.toEqual({ status: 'InProgress' });

    stub.setJobStatus('hx-acme-states-a1', {
      status: 'Completed',
      billableSeconds: 420,
      trainingSeconds: 1400,
    });
    await expect(backend.describe('hx-acme-states-a1')).resolves.toEqual({
      status: 'Completed',
      modelArtifactsUri: 's3://hx-artifacts/models/acme/c-20261124-01/hx-acme-states-a1/output/model.tar.gz',
      billableSeconds: 420,
      trainingSeconds: 1400,
    });

    const reason = 'AlgorithmError: ExecuteUserScriptError: E18 non-finite loss';
    stub.setJobStatus('hx-acme-states-a1', { status: 'Failed', failureReason: reason });
    await expect(backend.describe('hx-acme-states-a1')).resolves.toEqual({
      status: 'Failed',
      failureReason: reason,
    });

    for (const status of ['Stopping', 'Stopped'] as const) {
      stub.setJobStatus('hx-acme-states-a1', { status });
      await expect(backend.describe('hx-acme-states-a1')).resolves.toEqual({ status });
    }
  });

  it('describe of an unknown job is a SystemError, of a malformed name an InputError', async () => {
    const missing = await backend.describe('hx-acme-missing-a1').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SystemError);
    expect((missing as SystemError).code).toBe('TRAINING_JOB_NOT_FOUND');
    await expect(backend.describe('bad_name!')).rejects.toBeInstanceOf(InputError);
  });

  it('throttling and 5xx are transient; access denied is not', async () => {
    stub.failNext('CreateTrainingJob', {
      httpStatus: 400,
      type: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    const throttled = await backend
      .launch(sampleSpec({ jobName: 'hx-acme-throttle-a1' }))
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(TransientError);
    expect(stub.job('hx-acme-throttle-a1')).toBeUndefined();
    // The retry the queue redelivery would make goes through.
    await expect(backend.launch(sampleSpec({ jobName: 'hx-acme-throttle-a1' }))).resolves.toMatchObject({
      outcome: 'created',
    });

    stub.failNext('DescribeTrainingJob', { httpStatus: 503, type: 'ServiceUnavailable' });
    await expect(backend.describe('hx-acme-throttle-a1')).rejects.toBeInstanceOf(TransientError);

    stub.failNext('CreateTrainingJob', {
      httpStatus: 400,
      type: 'AccessDeniedException',
      message: 'no PassRole',
    });
    const denied = await backend
      .launch(sampleSpec({ jobName: 'hx-acme-denied-a1' }))
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(SystemError);
    expect(denied).not.toBeInstanceOf(TransientError);
    expect((denied as Error).message).toMatch(/AccessDenied.*no PassRole/);
  });

  it('builds its own client from region, endpoint and credentials', async () => {
    const own = createSageMakerTrainingBackend({ region: 'us-east-1', endpoint: stub.endpoint, credentials });
    await expect(own.launch(sampleSpec({ jobName: 'hx-acme-own-a1' }))).resolves.toMatchObject({
      outcome: 'created',
    });
    expect(() => createSageMakerTrainingBackend({ region: 'nowhere' })).toThrow(InputError);
  });
});
