/**
 * `TrainingBackend` on SageMaker: CreateTrainingJob from the request builder, DescribeTrainingJob for
 * the authoritative state. Launch is idempotent on the deterministic job name: SageMaker answers a
 * second CreateTrainingJob of the same name with ResourceInUse, which means "already launched".
 */
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { z } from 'zod';
import { SystemError } from '../../../errors.ts';
import {
  parseTrainingJobName,
  TRAINING_JOB_STATUSES,
  type TrainingBackend,
  type TrainingJobSpecInput,
  type TrainingJobStatus,
  type TrainingLaunch,
} from '../../../ports/training-backend.ts';
import { parseWith } from '../../../schema.ts';
import { awsErrorName, toFoundryError } from '../aws-errors.ts';
import { buildCreateTrainingJobRequest } from './create-request.ts';

export interface SageMakerTrainingBackendOptions {
  /** A configured client (tests point one at the local stub); otherwise one is made for `region`. */
  client?: SageMakerClient;
  region: string;
  /** Service endpoint for a client made here (e.g. the local stub). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const optionsSchema = z
  .object({
    client: z.instanceof(SageMakerClient).optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected a region such as us-east-1'),
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    credentials: z
      .object({
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
        sessionToken: z.string().min(1).optional(),
      })
      // Not strict: the SDK tags a credentials object it has used with `$source`.
      .optional(),
  })
  .strict();

const statusSchema = z.enum(TRAINING_JOB_STATUSES);

function toStatus(jobName: string, output: DescribeTrainingJobCommandOutput): TrainingJobStatus {
  const parsed = statusSchema.safeParse(output.TrainingJobStatus);
  if (!parsed.success) {
    throw new SystemError(
      `DescribeTrainingJob ${jobName} returned an unknown status ${JSON.stringify(output.TrainingJobStatus)}`,
      { code: 'TRAINING_BACKEND' },
    );
  }
  const status: TrainingJobStatus = { status: parsed.data };
  if (output.FailureReason) status.failureReason = output.FailureReason;
  if (output.ModelArtifacts?.S3ModelArtifacts)
    status.modelArtifactsUri = output.ModelArtifacts.S3ModelArtifacts;
  if (output.BillableTimeInSeconds !== undefined) status.billableSeconds = output.BillableTimeInSeconds;
  if (output.TrainingTimeInSeconds !== undefined) status.trainingSeconds = output.TrainingTimeInSeconds;
  return status;
}

/** SageMaker reports an unknown job name as a ValidationException "Requested resource not found". */
function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name === 'ResourceNotFound') return true;
  return name === 'ValidationException' && /not found/i.test((error as Error).message);
}

export function createSageMakerTrainingBackend(options: SageMakerTrainingBackendOptions): TrainingBackend {
  const parsed = parseWith(
    optionsSchema,
    options,
    'SageMaker training backend options',
    'createSageMakerTrainingBackend',
  );
  const client =
    parsed.client ??
    new SageMakerClient({
      region: parsed.region,
      ...(parsed.endpoint === undefined ? {} : { endpoint: parsed.endpoint }),
      ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
    });

  return {
    async launch(spec: TrainingJobSpecInput): Promise<TrainingLaunch> {
      const request = buildCreateTrainingJobRequest(spec);
      const jobName = request.TrainingJobName as string;
      try {
        await client.send(new CreateTrainingJobCommand(request));
        return { jobName, outcome: 'created' };
      } catch (error) {
        if (awsErrorName(error) === 'ResourceInUse') return { jobName, outcome: 'exists' };
        throw toFoundryError(error, `CreateTrainingJob ${jobName}`, 'TRAINING_BACKEND');
      }
    },

    async describe(jobName: string): Promise<TrainingJobStatus> {
      const name = parseTrainingJobName(jobName, 'TrainingBackend.describe');
      let output: DescribeTrainingJobCommandOutput;
      try {
        output = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      } catch (error) {
        if (isNotFound(error)) {
          throw new SystemError(`training job ${name} does not exist`, {
            cause: error,
            code: 'TRAINING_JOB_NOT_FOUND',
          });
        }
        throw toFoundryError(error, `DescribeTrainingJob ${name}`, 'TRAINING_BACKEND');
      }
      return toStatus(name, output);
    },
  };
}
