/**
 * The EventBridge "SageMaker Training Job State Change" event, as the critic side receives it
 * (directly, or as the JSON body of an SQS message from the rule's queue target). SageMaker may send
 * several events for one change, so consumers stay idempotent and ask DescribeTrainingJob for billing.
 */
import { z } from 'zod';
import {
  TRAINING_JOB_STATUSES,
  type TrainingJobState,
  trainingJobNameSchema,
} from '../../../ports/training-backend.ts';
import { parseJsonText, parseWith } from '../../../schema.ts';

export const TRAINING_STATE_CHANGE_SOURCE = 'aws.sagemaker';
export const TRAINING_STATE_CHANGE_DETAIL_TYPE = 'SageMaker Training Job State Change';

export interface TrainingJobStateChange {
  jobName: string;
  status: TrainingJobState;
  secondaryStatus?: string;
  failureReason?: string;
  modelArtifactsUri?: string;
  tags?: Record<string, string>;
  region: string;
  time: string;
}

// The detail mirrors DescribeTrainingJob and grows over time: only the fields used are checked.
const detailSchema = z.looseObject({
  TrainingJobName: trainingJobNameSchema,
  TrainingJobStatus: z.enum(TRAINING_JOB_STATUSES),
  SecondaryStatus: z.string().optional(),
  FailureReason: z.string().optional(),
  ModelArtifacts: z
    .looseObject({ S3ModelArtifacts: z.string().regex(/^s3:\/\//, 'expected an s3 URI') })
    .optional(),
  Tags: z.record(z.string(), z.string()).optional(),
});

const eventSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.literal(TRAINING_STATE_CHANGE_DETAIL_TYPE),
  source: z.literal(TRAINING_STATE_CHANGE_SOURCE),
  account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
  time: z.string().min(1),
  region: z.string().min(1),
  resources: z.array(z.string()).optional(),
  detail: detailSchema,
});

/** Parses the event (an object, or its JSON text); anything else is an `InputError` naming the path. */
export function parseTrainingJobStateChange(
  event: unknown,
  source = 'SageMaker training job state change',
): TrainingJobStateChange {
  const value = typeof event === 'string' ? parseJsonText(event, 'training job state change', source) : event;
  const parsed = parseWith(eventSchema, value, 'training job state change', source);
  const detail = parsed.detail;
  const change: TrainingJobStateChange = {
    jobName: detail.TrainingJobName,
    status: detail.TrainingJobStatus,
    region: parsed.region,
    time: parsed.time,
  };
  if (detail.SecondaryStatus !== undefined) change.secondaryStatus = detail.SecondaryStatus;
  if (detail.FailureReason !== undefined) change.failureReason = detail.FailureReason;
  if (detail.ModelArtifacts !== undefined) change.modelArtifactsUri = detail.ModelArtifacts.S3ModelArtifacts;
  if (detail.Tags !== undefined) change.tags = detail.Tags;
  return change;
}
