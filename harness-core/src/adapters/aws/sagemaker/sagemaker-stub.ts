/**
 * TEST DOUBLE of the SageMaker control plane: a loopback HTTP server speaking the AWS JSON 1.1
 * protocol (`POST /`, `X-Amz-Target: SageMaker.<Operation>`) for CreateTrainingJob and
 * DescribeTrainingJob. It records every request, checks CreateTrainingJob the way the service does
 * (required members, lengths and patterns from the API reference, the spot and channel rules) and
 * answers ValidationException / ResourceInUse like the service. Tests move a job through its
 * states with `setJobStatus`. No job ever runs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { formatIssuePath } from '../../../schema.ts';

export interface RecordedSageMakerRequest {
  operation: string;
  contentType: string | undefined;
  body: unknown;
}

export type StubJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface StubJobUpdate {
  status: StubJobStatus;
  secondaryStatus?: string;
  failureReason?: string;
  billableSeconds?: number;
  trainingSeconds?: number;
}

export interface SageMakerStub {
  /** `http://127.0.0.1:<port>`: the client's `endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  /** Every request received, in order, including rejected ones. */
  readonly requests: readonly RecordedSageMakerRequest[];
  /** The accepted CreateTrainingJob body of `jobName`, or undefined. */
  job(jobName: string): Record<string, unknown> | undefined;
  setJobStatus(jobName: string, update: StubJobUpdate): void;
  /** The next `times` calls of `operation` fail with this HTTP status and error type (throttling, 5xx). */
  failNext(
    operation: string,
    error: { httpStatus: number; type: string; message?: string },
    times?: number,
  ): void;
  close(): Promise<void>;
}

export interface SageMakerStubOptions {
  region?: string;
  accountId?: string;
}

const s3Uri = z
  .string()
  .max(1024)
  .regex(/^(https|s3):\/\/([^/]+)\/?(.*)$/);
const channelSchema = z
  .object({
    ChannelName: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9.\-_]+$/),
    DataSource: z.object({
      S3DataSource: z.object({
        S3DataType: z.enum(['ManifestFile', 'S3Prefix', 'AugmentedManifestFile', 'Converse']),
        S3Uri: s3Uri,
        S3DataDistributionType: z.enum(['FullyReplicated', 'ShardedByS3Key']).optional(),
      }),
    }),
    InputMode: z.enum(['Pipe', 'File', 'FastFile']).optional(),
  })
  .loose();

/** CreateTrainingJob's request shape as the API reference constrains it (only the members this project uses in depth). */
const createSchema = z
  .object({
    TrainingJobName: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/),
    AlgorithmSpecification: z
      .object({
        TrainingImage: z.string().max(255).optional(),
        AlgorithmName: z.string().optional(),
        TrainingInputMode: z.enum(['Pipe', 'File', 'FastFile']),
        MetricDefinitions: z
          .array(z.object({ Name: z.string().min(1).max(255), Regex: z.string().min(1).max(500) }))
          .max(40)
          .optional(),
      })
      .loose(),
    RoleArn: z
      .string()
      .min(20)
      .max(2048)
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/),
    HyperParameters: z.record(z.string().max(256), z.string().max(2500)).optional(),
    InputDataConfig: z.array(channelSchema).min(1).max(20).optional(),
    OutputDataConfig: z.object({ S3OutputPath: s3Uri, KmsKeyId: z.string().optional() }).loose(),
    ResourceConfig: z
      .object({
        InstanceType: z.string().regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/),
        InstanceCount: z.number().int().min(0),
        VolumeSizeInGB: z.number().int().min(0),
      })
      .loose(),
    StoppingCondition: z
      .object({
        MaxRuntimeInSeconds: z.number().int().min(1).optional(),
        MaxWaitTimeInSeconds: z.number().int().min(1).optional(),
      })
      .loose(),
    EnableManagedSpotTraining: z.boolean().optional(),
    CheckpointConfig: z
      .object({ S3Uri: s3Uri, LocalPath: z.string().max(4096).optional() })
      .loose()
      .optional(),
    Environment: z
      .record(
        z
          .string()
          .max(512)
          .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
        z.string().max(512),
      )
      .optional(),
    Tags: z
      .array(z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) }))
      .max(50)
      .optional(),
  })
  .loose()
  .superRefine((request, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const algorithm = request.AlgorithmSpecification;
    if ((algorithm.TrainingImage === undefined) === (algorithm.AlgorithmName === undefined)) {
      issue('algorithmSpecification', 'exactly one of TrainingImage and AlgorithmName must be set');
    }
    if (Object.keys(request.HyperParameters ?? {}).length > 100)
      issue('hyperParameters', 'at most 100 entries');
    const names = (request.InputDataConfig ?? []).map((channel) => channel.ChannelName);
    if (new Set(names).size !== names.length) issue('inputDataConfig', 'channel names must be unique');
    const stopping = request.StoppingCondition;
    if (request.EnableManagedSpotTraining === true) {
      if (stopping.MaxWaitTimeInSeconds === undefined) {
        issue(
          'stoppingCondition.maxWaitTimeInSeconds',
          'MaxWaitTimeInSeconds is required for managed spot training',
        );
      } else if (stopping.MaxWaitTimeInSeconds < (stopping.MaxRuntimeInSeconds ?? 86400)) {
        issue(
          'stoppingCondition.maxWaitTimeInSeconds',
          'MaxWaitTimeInSeconds must be >= MaxRuntimeInSeconds',
        );
      }
    } else if (stopping.MaxWaitTimeInSeconds !== undefined) {
      issue(
        'stoppingCondition.maxWaitTimeInSeconds',
        'MaxWaitTimeInSeconds requires EnableManagedSpotTraining',
      );
    }
    if (request.ResourceConfig.InstanceCount < 1) issue('resourceConfig.instanceCount', 'must be >= 1');
    if (request.ResourceConfig.VolumeSizeInGB < 1) issue('resourceConfig.volumeSizeInGB', 'must be >= 1');
  });

interface StoredJob {
  request: Record<string, unknown>;
  arn: string;
  createdAt: number;
  update: StubJobUpdate;
}

class StubError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function validationMessage(error: z.ZodError): string {
  const parts = error.issues.map(
    (issue) => `Value at '${formatIssuePath(issue.path)}' failed to satisfy constraint: ${issue.message}`,
  );
  return `${parts.length} validation error${parts.length === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

/** Starts the stub on 127.0.0.1, port 0. */
export async function startSageMakerStub(options: SageMakerStubOptions = {}): Promise<SageMakerStub> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const requests: RecordedSageMakerRequest[] = [];
  const jobs = new Map<string, StoredJob>();
  const failures = new Map<string, { httpStatus: number; type: string; message: string; times: number }>();

  const createTrainingJob = (body: unknown) => {
    const parsed = createSchema.safeParse(body);
    if (!parsed.success) throw new StubError(400, 'ValidationException', validationMessage(parsed.error));
    const name = parsed.data.TrainingJobName;
    const arn = `arn:aws:sagemaker:${region}:${accountId}:training-job/${name.toLowerCase()}`;
    if (jobs.has(name)) {
      throw new StubError(
        400,
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
      );
    }
    jobs.set(name, {
      request: body as Record<string, unknown>,
      arn,
      createdAt: Date.now() / 1000,
      update: { status: 'InProgress', secondaryStatus: 'Starting' },
    });
    return { TrainingJobArn: arn };
  };

  const describeTrainingJob = (body: unknown) => {
    const name = (body as { TrainingJobName?: unknown } | null)?.TrainingJobName;
    if (typeof name !== 'string' || name === '') {
      throw new StubError(
        400,
        'ValidationException',
        "1 validation error detected: Value null at 'trainingJobName' failed to satisfy constraint: Member must not be null",
      );
    }
    const job = jobs.get(name);
    if (job === undefined) throw new StubError(400, 'ValidationException', 'Requested resource not found.');
    const request = job.request as {
      OutputDataConfig: { S3OutputPath: string };
      AlgorithmSpecification: unknown;
      ResourceConfig: unknown;
      StoppingCondition: unknown;
      HyperParameters?: unknown;
    };
    const { update } = job;
    const outputPath = request.OutputDataConfig.S3OutputPath.replace(/\/$/, '');
    return {
      TrainingJobName: name,
      TrainingJobArn: job.arn,
      TrainingJobStatus: update.status,
      SecondaryStatus: update.secondaryStatus ?? update.status,
      ...(update.failureReason === undefined ? {} : { FailureReason: update.failureReason }),
      ModelArtifacts: {
        S3ModelArtifacts: update.status === 'Completed' ? `${outputPath}/${name}/output/model.tar.gz` : '',
      },
      ...(update.billableSeconds === undefined ? {} : { BillableTimeInSeconds: update.billableSeconds }),
      ...(update.trainingSeconds === undefined ? {} : { TrainingTimeInSeconds: update.trainingSeconds }),
      HyperParameters: request.HyperParameters,
      AlgorithmSpecification: request.AlgorithmSpecification,
      ResourceConfig: request.ResourceConfig,
      StoppingCondition: request.StoppingCondition,
      CreationTime: job.createdAt,
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : target;
    const contentType = request.headers['content-type'];
    const text = await readBody(request);
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = text;
    }
    requests.push({ operation, contentType, body });
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `stub-${requests.length}`,
      });
      response.end(JSON.stringify(payload));
    };
    try {
      if (request.method !== 'POST' || request.url !== '/')
        throw new StubError(404, 'UnknownOperationException', 'expected POST /');
      if (contentType !== 'application/x-amz-json-1.1') {
        throw new StubError(400, 'SerializationException', `unexpected content type ${String(contentType)}`);
      }
      const failure = failures.get(operation);
      if (failure !== undefined && failure.times > 0) {
        failure.times -= 1;
        throw new StubError(failure.httpStatus, failure.type, failure.message);
      }
      if (operation === 'CreateTrainingJob') reply(200, createTrainingJob(body));
      else if (operation === 'DescribeTrainingJob') reply(200, describeTrainingJob(body));
      else throw new StubError(400, 'UnknownOperationException', `the stub does not implement ${target}`);
    } catch (error) {
      if (!(error instanceof StubError)) throw error;
      reply(error.httpStatus, { __type: error.type, message: error.message });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    requests,
    job: (jobName) => jobs.get(jobName)?.request,
    setJobStatus(jobName, update) {
      const job = jobs.get(jobName);
      if (job === undefined) throw new Error(`sagemaker stub: no job ${jobName}`);
      job.update = { ...update };
    },
    failNext(operation, error, times = 1) {
      failures.set(operation, { ...error, message: error.message ?? `${error.type} (stub)`, times });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
