/**
 * `TrainingBackend`: launches one cross-harness GRPO training job (spec cross-harness-grpo §8) and
 * reports its state. The AWS adapter is SageMaker managed spot training; a job is named
 * deterministically from project, cycle and attempt, so a retried launch finds the job it already
 * started instead of starting a second one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { findForbiddenKeys, parseWith } from '../schema.ts';

/** SageMaker's training-job name rule: 1–63 letters, digits and inner hyphens. */
export const TRAINING_JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Every job name starts with this, so one EventBridge rule (`prefix`) catches the foundry's jobs only. */
export const TRAINING_JOB_NAME_PREFIX = 'hx-';
/** Tag keys every training job carries; the state-change consumer finds project and cycle by them. */
export const TRAINING_JOB_TAGS = { project: 'harnessx:project', cycle: 'harnessx:cycle' } as const;

export const TRAINING_JOB_STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] as const;
export type TrainingJobState = (typeof TRAINING_JOB_STATUSES)[number];

export interface TrainingJobStatus {
  status: TrainingJobState;
  failureReason?: string;
  /** `s3://…/model.tar.gz`, once the job has uploaded `/opt/ml/model`. */
  modelArtifactsUri?: string;
  billableSeconds?: number;
  trainingSeconds?: number;
}

export interface TrainingLaunch {
  jobName: string;
  /** `exists` when a job of that name was already there: the launch was a retry. */
  outcome: 'created' | 'exists';
}

export interface TrainingBackend {
  /** Validates `spec` (an `InputError` names each bad field) and starts the job, or finds it started. */
  launch(spec: TrainingJobSpecInput): Promise<TrainingLaunch>;
  describe(jobName: string): Promise<TrainingJobStatus>;
}

const projectSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a project name');
const cycleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'expected a cycle id');

export const trainingJobNameSchema = z
  .string()
  .regex(TRAINING_JOB_NAME_PATTERN, 'expected a training job name: 1-63 letters, digits and inner hyphens');

/**
 * `hx-<project>-<cycle>-a<attempt>`; a name that would pass 63 characters is cut and ends in a hash
 * of the full name, so distinct inputs still give distinct names.
 */
export function trainingJobName(input: { project: string; cycleId: string; attempt: number }): string {
  const parsed = parseWith(
    z
      .object({ project: projectSchema, cycleId: cycleIdSchema, attempt: z.number().int().min(1).max(999) })
      .strict(),
    input,
    'training job name input',
    'trainingJobName',
  );
  const full = `${TRAINING_JOB_NAME_PREFIX}${parsed.project}-${parsed.cycleId}-a${parsed.attempt}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, 63 - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s]*$/;
const s3UriSchema = z.string().max(1024).regex(S3_URI, 'expected an s3://bucket/key URI');
const s3PrefixSchema = s3UriSchema.refine((uri) => uri.endsWith('/'), 'expected an S3 prefix ending in "/"');

function s3Key(uri: string): string {
  return uri.replace(/^s3:\/\/[^/]+\//, '');
}

/**
 * GPU families the CUDA training image runs on. CPU types (ml.m5, ml.c5 …) and accelerators without
 * CUDA (ml.trn1, ml.inf2) are refused: the trainer would start and fail far later.
 */
export const GPU_INSTANCE_TYPE =
  /^ml\.(g4dn|g5|g6|g6e|g7e|p3|p3dn|p4d|p4de|p5|p5e|p5en|p6-b200|p6e-gb200)\.(\d*x)?large$/;
const instanceTypeSchema = z.string().superRefine((type, ctx) => {
  if (GPU_INSTANCE_TYPE.test(type)) return;
  ctx.addIssue({
    code: 'custom',
    message: `expected a GPU training instance type (ml.g5.*, ml.g6.*, ml.g6e.*, ml.p4d.*, ml.p5.* …), got "${type}": CPU and non-CUDA types cannot run the trainer`,
  });
});

const versionSchema = z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'expected a version such as 2.5.1');
export const imageSpecSchema = z.union([
  z
    .object({
      uri: z
        .string()
        .regex(
          /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/,
          'expected an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>)',
        ),
    })
    .strict(),
  z
    .object({
      pytorchVersion: versionSchema,
      transformersVersion: versionSchema,
      pythonVersion: z.string().regex(/^py3\d{1,2}$/, 'expected a Python tag such as py311'),
      cudaVersion: z.string().regex(/^cu\d{3}$/, 'expected a CUDA tag such as cu124'),
      os: z.string().regex(/^ubuntu\d{2}\.\d{2}$/, 'expected an OS tag such as ubuntu22.04'),
    })
    .strict(),
]);
export type TrainingImageSpec = z.output<typeof imageSpecSchema>;

/** Non-JSON values (undefined, NaN, functions …) would be dropped or changed by JSON.stringify without a word. */
function nonJsonIssues(node: unknown, at: string, out: { path: string; message: string }[]): void {
  if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
  if (typeof node === 'number') {
    if (!Number.isFinite(node)) out.push({ path: at, message: 'expected a finite number' });
  } else if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) nonJsonIssues(item, `${at}[${index}]`, out);
  } else if (typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
    for (const [key, value] of Object.entries(node)) nonJsonIssues(value, `${at}.${key}`, out);
  } else {
    out.push({ path: at, message: `expected a JSON value, got ${typeof node}` });
  }
}

// Checked before any record parsing: zod's record copy would turn a `__proto__` key into a prototype write.
const trainerConfigSchema = z
  .unknown()
  .superRefine((config, ctx) => {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
      return;
    }
    const issues = findForbiddenKeys(config, 'trainerConfig');
    if (issues.length === 0) nonJsonIssues(config, 'trainerConfig', issues);
    for (const issue of issues) {
      ctx.addIssue({
        code: 'custom',
        message: issue.message,
        path: [issue.path.slice('trainerConfig.'.length)],
      });
    }
  })
  .transform((config) => config as Record<string, unknown>);

/** The longest SageMaker allows: 28 days. */
const MAX_SECONDS = 28 * 24 * 3600;

export const trainingJobSpecSchema = z
  .object({
    project: projectSchema,
    cycleId: cycleIdSchema,
    jobName: trainingJobNameSchema,
    dataset: z
      .object({
        /** Prefix holding `dataset.jsonl` (or `groups.jsonl`) and `manifest.json`: the `train` channel. */
        trainUri: s3PrefixSchema,
      })
      .strict(),
    baseModelUri: s3PrefixSchema,
    initAdapterUri: s3PrefixSchema.optional(),
    outputUri: s3PrefixSchema.refine(
      (uri) => s3Key(uri).startsWith('models/'),
      'expected an output prefix under models/',
    ),
    checkpointUri: s3PrefixSchema,
    codeUri: s3UriSchema.refine((uri) => uri.endsWith('.tar.gz'), 'expected the s3 URI of sourcedir.tar.gz'),
    trainerConfig: trainerConfigSchema,
    /** `tiny` runs the trainer's CPU-sized toy model (smoke runs); `hf` (the trainer's default) real weights. */
    modelBackend: z.enum(['hf', 'tiny']).optional(),
    instanceType: instanceTypeSchema,
    instanceCount: z.literal(1).default(1),
    volumeSizeGb: z.number().int().min(1).max(16384),
    maxRuntimeSeconds: z.number().int().min(60).max(MAX_SECONDS),
    /** Spot: capacity wait plus run time, so never below `maxRuntimeSeconds`. */
    maxWaitSeconds: z.number().int().min(60).max(MAX_SECONDS),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected a region such as us-east-1'),
    image: imageSpecSchema,
    /** Extra tags; project and cycle tags are always added. */
    tags: z.record(z.string().regex(/^[\w.:/=+@-]{1,128}$/), z.string().max(256)).default({}),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.maxWaitSeconds < spec.maxRuntimeSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxWaitSeconds'],
        message: `must be at least maxRuntimeSeconds (${spec.maxRuntimeSeconds}): spot wait includes the run time`,
      });
    }
    if (!spec.jobName.startsWith(TRAINING_JOB_NAME_PREFIX)) {
      ctx.addIssue({
        code: 'custom',
        path: ['jobName'],
        message: `expected a name from trainingJobName() (prefix "${TRAINING_JOB_NAME_PREFIX}")`,
      });
    }
  });

export type TrainingJobSpecInput = z.input<typeof trainingJobSpecSchema>;
export type TrainingJobSpec = z.output<typeof trainingJobSpecSchema>;

/** Validates a training job spec; an `InputError` names every bad field. */
export function parseTrainingJobSpec(value: unknown, source = 'training job spec'): TrainingJobSpec {
  return parseWith(trainingJobSpecSchema, value, 'training job spec', source);
}

/** Validates a job name given to `describe`. */
export function parseTrainingJobName(value: unknown, source: string): string {
  const result = trainingJobNameSchema.safeParse(value);
  if (result.success) return result.data;
  throw new InputError('training job name', source, [
    { path: '', message: result.error.issues[0]?.message ?? 'invalid' },
  ]);
}
