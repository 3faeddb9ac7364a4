/**
 * The CreateTrainingJob request for one cross-harness GRPO job (spec cross-harness-grpo §8): script
 * mode on the HF DLC, managed spot with checkpoints, channels `train`, `model` and `init_adapter`,
 * and hyperparameters JSON-encoded the way the SageMaker Python SDK encodes them (the training
 * toolkit `json.loads` each value, so a string must arrive quoted).
 */
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { InputError } from '../../../errors.ts';
import {
  parseTrainingJobSpec,
  TRAINING_JOB_TAGS,
  type TrainingJobSpec,
} from '../../../ports/training-backend.ts';
import { resolveTrainingImageUri } from './image-uri.ts';

/** The script-mode entry point inside `sourcedir.tar.gz` (training/train.py). */
export const TRAINING_ENTRY_POINT = 'train.py';
export const CHECKPOINT_LOCAL_PATH = '/opt/ml/checkpoints';
/** SageMaker's limit on one hyperparameter value. */
export const MAX_HYPERPARAMETER_CHARS = 2500;

/** Regexes over the trainer's `step=… loss=… clip_frac=…` log lines (training/harnessx_trainer/loop.py). */
export const TRAINING_METRIC_DEFINITIONS = [
  { Name: 'train:step', Regex: 'step=(\\d+)' },
  { Name: 'train:loss', Regex: 'loss=([-0-9.eE+]+)' },
  { Name: 'train:clip_frac', Regex: 'clip_frac=([-0-9.eE+]+)' },
] as const;

const SOURCE = 'CreateTrainingJob request';

function s3Channel(name: string, uri: string) {
  return {
    ChannelName: name,
    DataSource: {
      S3DataSource: {
        S3DataType: 'S3Prefix' as const,
        S3Uri: uri,
        S3DataDistributionType: 'FullyReplicated' as const,
      },
    },
    InputMode: 'File' as const,
  };
}

function imageRegion(uri: string): string | undefined {
  return /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/.exec(uri)?.[1];
}

function hyperParameters(spec: TrainingJobSpec): Record<string, string> {
  const config = JSON.stringify(JSON.stringify(spec.trainerConfig));
  if (config.length > MAX_HYPERPARAMETER_CHARS) {
    throw new InputError('training job spec', SOURCE, [
      {
        path: 'trainerConfig',
        message: `encodes to ${config.length} characters; SageMaker allows ${MAX_HYPERPARAMETER_CHARS} per hyperparameter`,
      },
    ]);
  }
  return {
    sagemaker_program: JSON.stringify(TRAINING_ENTRY_POINT),
    sagemaker_submit_directory: JSON.stringify(spec.codeUri),
    sagemaker_region: JSON.stringify(spec.region),
    sagemaker_job_name: JSON.stringify(spec.jobName),
    sagemaker_container_log_level: '20',
    config,
    ...(spec.modelBackend === undefined ? {} : { model_backend: JSON.stringify(spec.modelBackend) }),
  };
}

/** Validates `input` and returns the exact `CreateTrainingJobCommandInput` the launcher sends. */
export function buildCreateTrainingJobRequest(input: unknown): CreateTrainingJobCommandInput {
  const spec = parseTrainingJobSpec(input, SOURCE);
  const image = resolveTrainingImageUri(spec.image, spec.region);
  const pulledFrom = imageRegion(image);
  if (pulledFrom !== spec.region) {
    throw new InputError('training job spec', SOURCE, [
      {
        path: 'image.uri',
        message: `the image is in ${pulledFrom ?? 'an unknown region'}, the job in ${spec.region}: SageMaker pulls training images from the job's region only`,
      },
    ]);
  }
  const tags = {
    ...spec.tags,
    [TRAINING_JOB_TAGS.project]: spec.project,
    [TRAINING_JOB_TAGS.cycle]: spec.cycleId,
  };
  return {
    TrainingJobName: spec.jobName,
    AlgorithmSpecification: {
      TrainingImage: image,
      TrainingInputMode: 'File',
      MetricDefinitions: TRAINING_METRIC_DEFINITIONS.map((metric) => ({ ...metric })),
    },
    HyperParameters: hyperParameters(spec),
    RoleArn: spec.roleArn,
    InputDataConfig: [
      s3Channel('train', spec.dataset.trainUri),
      s3Channel('model', spec.baseModelUri),
      ...(spec.initAdapterUri === undefined ? [] : [s3Channel('init_adapter', spec.initAdapterUri)]),
    ],
    OutputDataConfig: { S3OutputPath: spec.outputUri },
    ResourceConfig: {
      InstanceType: spec.instanceType as NonNullable<
        CreateTrainingJobCommandInput['ResourceConfig']
      >['InstanceType'],
      InstanceCount: spec.instanceCount,
      VolumeSizeInGB: spec.volumeSizeGb,
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: spec.maxRuntimeSeconds,
      MaxWaitTimeInSeconds: spec.maxWaitSeconds,
    },
    EnableManagedSpotTraining: true,
    CheckpointConfig: { S3Uri: spec.checkpointUri, LocalPath: CHECKPOINT_LOCAL_PATH },
    // Base weights come in on the `model` channel: the container must never reach the Hub.
    Environment: { HF_HUB_OFFLINE: '1' },
    Tags: Object.entries(tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Key, Value]) => ({ Key, Value })),
  };
}
