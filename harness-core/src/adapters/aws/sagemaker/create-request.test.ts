import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { TRAINING_JOB_NAME_PATTERN, trainingJobName } from '../../../ports/training-backend.ts';
import { buildCreateTrainingJobRequest } from './create-request.ts';
import { sampleSpec } from './fixtures/training-spec.ts';
import { resolveTrainingImageUri } from './image-uri.ts';

function inputIssues(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).issues];
  }
  throw new Error('expected an InputError');
}

const HF = sampleSpec().image;

describe('buildCreateTrainingJobRequest', () => {
  it('builds the spot, checkpointed, script-mode request of spec §8', () => {
    const request = buildCreateTrainingJobRequest(
      sampleSpec({ initAdapterUri: 's3://hx-artifacts/models/acme/c-0/adapter/' }),
    );
    expect(request).toEqual({
      TrainingJobName: 'hx-acme-c-20261124-01-a1',
      AlgorithmSpecification: {
        TrainingImage:
          '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.5.1-transformers4.49.0-gpu-py311-cu124-ubuntu22.04',
        TrainingInputMode: 'File',
        MetricDefinitions: [
          { Name: 'train:step', Regex: 'step=(\\d+)' },
          { Name: 'train:loss', Regex: 'loss=([-0-9.eE+]+)' },
          { Name: 'train:clip_frac', Regex: 'clip_frac=([-0-9.eE+]+)' },
        ],
      },
      HyperParameters: {
        sagemaker_program: '"train.py"',
        sagemaker_submit_directory: '"s3://hx-artifacts/code/xgrpo/sourcedir.tar.gz"',
        sagemaker_region: '"us-east-1"',
        sagemaker_job_name: '"hx-acme-c-20261124-01-a1"',
        sagemaker_container_log_level: '20',
        config: JSON.stringify('{"learning_rate":0.00001,"lora_r":16,"clip_eps":0.2,"steps":40}'),
      },
      RoleArn: 'arn:aws:iam::123456789012:role/hx-sagemaker-training',
      InputDataConfig: ['train', 'model', 'init_adapter'].map((name, index) => ({
        ChannelName: name,
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: [
              's3://hx-artifacts/cycles/c-20261124-01/xgrpo/',
              's3://hx-artifacts/base-models/qwen2.5-0.5b/',
              's3://hx-artifacts/models/acme/c-0/adapter/',
            ][index],
            S3DataDistributionType: 'FullyReplicated',
          },
        },
        InputMode: 'File',
      })),
      OutputDataConfig: { S3OutputPath: 's3://hx-artifacts/models/acme/c-20261124-01/' },
      ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 100 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      EnableManagedSpotTraining: true,
      CheckpointConfig: {
        S3Uri: 's3://hx-artifacts/checkpoints/acme/c-20261124-01/',
        LocalPath: '/opt/ml/checkpoints',
      },
      Environment: { HF_HUB_OFFLINE: '1' },
      Tags: [
        { Key: 'harnessx:cycle', Value: 'c-20261124-01' },
        { Key: 'harnessx:project', Value: 'acme' },
      ],
    });
  });

  it('encodes hyperparameters so the training toolkit decodes the trainer config intact', () => {
    const config = { nested: { list: [1, 'two', null] }, quote: 'he said "hi"', unicode: 'ü' };
    const request = buildCreateTrainingJobRequest(
      sampleSpec({ trainerConfig: config, modelBackend: 'tiny' }),
    );
    // sagemaker_training json.loads each value; harnessx_trainer/entry.py then json.loads `config`.
    const decoded = Object.fromEntries(
      Object.entries(request.HyperParameters ?? {}).map(([key, value]) => [key, JSON.parse(value)]),
    );
    expect(decoded.sagemaker_program).toBe('train.py');
    expect(decoded.model_backend).toBe('tiny');
    expect(JSON.parse(decoded.config as string)).toEqual(config);
    // The trainer refuses hyperparameters other than config, model_backend and sagemaker_*.
    for (const key of Object.keys(decoded)) expect(key).toMatch(/^(config|model_backend|sagemaker_.+)$/);
  });

  it('adds extra tags without letting them replace the project and cycle tags', () => {
    const request = buildCreateTrainingJobRequest(
      sampleSpec({ tags: { team: 'ml', 'harnessx:project': 'spoofed' } }),
    );
    expect(request.Tags).toEqual([
      { Key: 'harnessx:cycle', Value: 'c-20261124-01' },
      { Key: 'harnessx:project', Value: 'acme' },
      { Key: 'team', Value: 'ml' },
    ]);
  });

  it('refuses CPU and non-CUDA instance types by name', () => {
    for (const type of ['ml.m5.xlarge', 'ml.c5.2xlarge', 'ml.trn1.32xlarge', 'g5.xlarge']) {
      const issues = inputIssues(() => buildCreateTrainingJobRequest(sampleSpec({ instanceType: type })));
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe('instanceType');
      expect(issues[0]?.message).toContain(type);
      expect(issues[0]?.message).toMatch(/GPU/);
    }
    for (const type of [
      'ml.g5.xlarge',
      'ml.g6e.12xlarge',
      'ml.p4d.24xlarge',
      'ml.p5.48xlarge',
      'ml.g6.large',
    ]) {
      expect(
        buildCreateTrainingJobRequest(sampleSpec({ instanceType: type })).ResourceConfig?.InstanceType,
      ).toBe(type);
    }
  });

  it('refuses a spot wait shorter than the run time', () => {
    const issues = inputIssues(() =>
      buildCreateTrainingJobRequest(sampleSpec({ maxRuntimeSeconds: 7200, maxWaitSeconds: 3600 })),
    );
    expect(issues).toEqual([
      { path: 'maxWaitSeconds', message: expect.stringContaining('maxRuntimeSeconds (7200)') },
    ]);
    expect(
      buildCreateTrainingJobRequest(sampleSpec({ maxRuntimeSeconds: 3600, maxWaitSeconds: 3600 }))
        .StoppingCondition,
    ).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 3600 });
  });

  it('names every bad field at once', () => {
    const issues = inputIssues(() =>
      buildCreateTrainingJobRequest({
        ...sampleSpec({
          outputUri: 's3://hx-artifacts/elsewhere/',
          codeUri: 's3://hx-artifacts/code/sourcedir.zip',
          roleArn: 'arn:aws:iam::123:user/me',
          instanceCount: 2 as 1,
        }),
        dataset: { trainUri: 'https://example.com/data/' },
        surprise: true,
      }),
    );
    const paths = issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['', 'codeUri', 'dataset.trainUri', 'instanceCount', 'outputUri', 'roleArn']);
    expect(issues.find((issue) => issue.path === 'outputUri')?.message).toMatch(/models\//);
    expect(issues.find((issue) => issue.path === '')?.message).toMatch(/surprise/);
  });

  it('refuses prototype keys and a config longer than SageMaker takes', () => {
    const polluted = JSON.parse('{"ok":1,"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(
      inputIssues(() => buildCreateTrainingJobRequest(sampleSpec({ trainerConfig: polluted })))[0],
    ).toEqual({
      path: 'trainerConfig.__proto__',
      message: 'forbidden key "__proto__"',
    });
    const big = { notes: 'x'.repeat(2600) };
    expect(
      inputIssues(() => buildCreateTrainingJobRequest(sampleSpec({ trainerConfig: big })))[0]?.path,
    ).toBe('trainerConfig');
  });

  it('refuses an explicit image from another region', () => {
    const image = { uri: '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-training:2.5.1' };
    const issues = inputIssues(() => buildCreateTrainingJobRequest(sampleSpec({ image })));
    expect(issues[0]?.path).toBe('image.uri');
    expect(issues[0]?.message).toMatch(/us-west-2.*us-east-1/);
    const same = { uri: '111122223333.dkr.ecr.us-east-1.amazonaws.com/custom-trainer:v3' };
    expect(
      buildCreateTrainingJobRequest(sampleSpec({ image: same })).AlgorithmSpecification?.TrainingImage,
    ).toBe(same.uri);
  });
});

describe('resolveTrainingImageUri', () => {
  it('uses the per-region DLC registry account and partition domain', () => {
    const tag = 'huggingface-pytorch-training:2.5.1-transformers4.49.0-gpu-py311-cu124-ubuntu22.04';
    expect(resolveTrainingImageUri(HF, 'us-east-1')).toBe(
      `763104351884.dkr.ecr.us-east-1.amazonaws.com/${tag}`,
    );
    expect(resolveTrainingImageUri(HF, 'eu-south-1')).toBe(
      `692866216735.dkr.ecr.eu-south-1.amazonaws.com/${tag}`,
    );
    expect(resolveTrainingImageUri(HF, 'cn-north-1')).toBe(
      `727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/${tag}`,
    );
    expect(resolveTrainingImageUri(HF, 'af-south-1')).toMatch(
      /^626614931356\.dkr\.ecr\.af-south-1\.amazonaws\.com\//,
    );
  });

  it('refuses a region with no known registry instead of guessing', () => {
    expect(() => resolveTrainingImageUri(HF, 'xx-nowhere-9')).toThrow(
      /no known Deep Learning Container registry/,
    );
  });

  it('flows into the request for a China-region job', () => {
    const request = buildCreateTrainingJobRequest(
      sampleSpec({ region: 'cn-north-1', roleArn: 'arn:aws-cn:iam::123456789012:role/hx-training' }),
    );
    expect(request.AlgorithmSpecification?.TrainingImage).toMatch(/\.amazonaws\.com\.cn\//);
    expect(request.HyperParameters?.sagemaker_region).toBe('"cn-north-1"');
  });
});

describe('trainingJobName', () => {
  it('is deterministic, distinct per attempt and always a valid name', () => {
    const first = trainingJobName({ project: 'acme', cycleId: 'c-20261124-01', attempt: 1 });
    expect(first).toBe('hx-acme-c-20261124-01-a1');
    expect(trainingJobName({ project: 'acme', cycleId: 'c-20261124-01', attempt: 1 })).toBe(first);
    expect(trainingJobName({ project: 'acme', cycleId: 'c-20261124-01', attempt: 2 })).not.toBe(first);
  });

  it('shortens long inputs to 63 characters with a hash that keeps them apart', () => {
    const project = 'p'.repeat(40);
    const a = trainingJobName({ project, cycleId: `${'c'.repeat(70)}-a`, attempt: 1 });
    const b = trainingJobName({ project, cycleId: `${'c'.repeat(70)}-b`, attempt: 1 });
    for (const name of [a, b]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(TRAINING_JOB_NAME_PATTERN);
      expect(name.startsWith('hx-')).toBe(true);
    }
    expect(a).not.toBe(b);
    expect(buildCreateTrainingJobRequest(sampleSpec({ jobName: a })).TrainingJobName).toBe(a);
  });

  it('refuses bad parts', () => {
    expect(() => trainingJobName({ project: 'Acme!', cycleId: 'c1', attempt: 0 })).toThrow(InputError);
  });
});
