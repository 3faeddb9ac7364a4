/**
 * `HarnessFoundry`: the whole serverless foundry (DESIGN §9) as one construct, so it can live in
 * any CDK app: the artifact bucket, the registry and idempotency tables, one `PipelineStage` per
 * stage of the shared topology, the QuickJS sandbox layer, least-privilege grants per function,
 * alarms, the training loop (the SageMaker training role, the trainer code in the bucket and the
 * EventBridge rule on training-job state changes), and optionally the projects deployed into the bucket.
 *
 * @example
 * const household = await loadFoundryProjectFiles('examples/projects/household.yaml');
 * const stack = new Stack(app, 'Evolve');
 * new HarnessFoundry(stack, 'Foundry', { projects: [household], alarmEmail: 'ops@example.com' });
 */
import { join } from 'node:path';
import {
  FUNCTION_ENV,
  PIPELINE_STAGES,
  type PipelineQueueName,
  SystemError,
  TRAINING_EVENTS_QUEUE,
} from '@harnessx/core';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ArtifactBucket } from './constructs/artifact-bucket.ts';
import { grantFoundryAccess } from './constructs/foundry-access.ts';
import { FoundryAlarms } from './constructs/foundry-alarms.ts';
import { FoundryTables } from './constructs/foundry-tables.ts';
import { PipelineStage } from './constructs/pipeline-stage.ts';
import { ProjectFilesDeployment } from './constructs/project-files-deployment.ts';
import { QuickJsSandboxLayer } from './constructs/quickjs-sandbox-layer.ts';
import { TrainerCode } from './constructs/trainer-code.ts';
import { TrainingEventsRule } from './constructs/training-events-rule.ts';
import { BASE_MODELS_PREFIX, TrainingJobRole } from './constructs/training-job-role.ts';
import { grantTrainingLaunch } from './constructs/training-launch-access.ts';
import { parseInput } from './parse-input.ts';
import type { FoundryProjectFiles } from './project-files.ts';
import { REPOSITORY_ROOT } from './repository-root.ts';
import { storeAccessFor } from './store-access.ts';

export interface HarnessFoundryProps {
  /**
   * Projects deployed into the bucket as `projects/<name>/project.json` and `baseline.json`
   * (load them with `loadFoundryProjectFiles`). Traces uploaded under `traces/<name>/` count
   * toward that project's cycles.
   * @default - none; upload project files yourself
   */
  readonly projects?: readonly FoundryProjectFiles[];
  /**
   * Name of an existing Secrets Manager secret holding the model credentials (a JSON object of
   * environment names to values). Its name, never its value, is passed to the functions.
   * @default - no secret; only models that need no credentials work
   */
  readonly modelSecretName?: string;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription (the topic is still created)
   */
  readonly alarmEmail?: string;
  /**
   * What happens to the bucket, the tables and the log groups when the stack is deleted. A
   * bucket that still holds objects is not deleted even with DESTROY.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default 'HarnessX' */
  readonly metricsNamespace?: string;
  /**
   * Repository checkout holding `functions/`, `harness-core/`, `layers/` and `package-lock.json`.
   * @default - the checkout this construct is loaded from
   */
  readonly repositoryRoot?: string;
}

/** The function that starts training jobs (it alone passes the training role). */
const TRAINING_LAUNCHER = 'train-launch';

const trainingSettingsSchema = z.object({
  training: z.object({ baseModelPrefix: z.string() }).optional(),
});

/** The training role reads base weights under `base-models/` only; a project pointing elsewhere fails here. */
function checkBaseModelPrefix(projectJson: string, ctx: z.RefinementCtx, index: number): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(projectJson);
  } catch {
    ctx.addIssue({ code: 'custom', path: [index, 'projectJson'], message: 'expected JSON' });
    return;
  }
  const prefix = trainingSettingsSchema.safeParse(parsed).data?.training?.baseModelPrefix;
  if (prefix !== undefined && !prefix.startsWith(BASE_MODELS_PREFIX)) {
    ctx.addIssue({
      code: 'custom',
      path: [index, 'projectJson', 'training', 'baseModelPrefix'],
      message: `expected a key prefix under ${BASE_MODELS_PREFIX} (the training role reads base weights there only), got "${prefix}"`,
    });
  }
}

const propsSchema = z.object({
  projects: z
    .array(z.object({ name: z.string().min(1), projectJson: z.string(), baselineJson: z.string() }))
    .refine((projects) => new Set(projects.map((p) => p.name)).size === projects.length, {
      message: 'two projects share a name',
    })
    .superRefine((projects, ctx) => {
      for (const [index, project] of projects.entries())
        checkBaseModelPrefix(project.projectJson, ctx, index);
    })
    .optional(),
  modelSecretName: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'expected a Secrets Manager secret name')
    .optional(),
  alarmEmail: z.email().optional(),
  metricsNamespace: z
    .string()
    .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, 'expected a CloudWatch namespace')
    .optional(),
  repositoryRoot: z.string().min(1).optional(),
});

export class HarnessFoundry extends Construct {
  readonly artifacts: ArtifactBucket;
  readonly tables: FoundryTables;
  readonly stages: readonly PipelineStage[];
  readonly sandboxLayer: QuickJsSandboxLayer;
  readonly alarms: FoundryAlarms;
  readonly modelSecret: ISecret | undefined;
  readonly trainingRole: TrainingJobRole;
  readonly trainerCode: TrainerCode;
  readonly trainingEvents: TrainingEventsRule;

  constructor(scope: Construct, id: string, props: HarnessFoundryProps = {}) {
    super(scope, id);
    const checked = parseInput(propsSchema, props, 'HarnessFoundry props', this.node.path);
    const repositoryRoot = checked.repositoryRoot ?? REPOSITORY_ROOT;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.sandboxLayer = new QuickJsSandboxLayer(this, 'QuickJsSandbox', { repositoryRoot });
    this.tables = new FoundryTables(this, 'Tables', { removalPolicy });
    this.stages = PIPELINE_STAGES.map(
      (definition) =>
        new PipelineStage(this, `${definition.queue}Stage`, {
          definition,
          sandboxLayer: this.sandboxLayer.layer,
          functionSettings: {
            repositoryRoot,
            logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
            removalPolicy,
            metricsNamespace: checked.metricsNamespace ?? 'HarnessX',
          },
        }),
    );
    const queues = new Map<PipelineQueueName, IQueue>(this.stages.map((s) => [s.definition.queue, s.queue]));
    this.artifacts = new ArtifactBucket(this, 'Artifacts', {
      traceQueue: this.stageOf(queues, 'ingest'),
      removalPolicy,
    });
    this.modelSecret = checked.modelSecretName
      ? Secret.fromSecretNameV2(this, 'ModelSecret', checked.modelSecretName)
      : undefined;
    this.trainerCode = new TrainerCode(this, 'TrainerCode', {
      artifacts: this.artifacts,
      trainingDir: join(repositoryRoot, 'training'),
    });
    this.trainingRole = new TrainingJobRole(this, 'TrainingJobRole', {
      artifacts: this.artifacts,
      trainerCodeKey: this.trainerCode.key,
    });
    const trainingEventsStage = this.stages.find((s) => s.definition.queue === TRAINING_EVENTS_QUEUE);
    if (!trainingEventsStage)
      throw new SystemError(`the shared topology has no ${TRAINING_EVENTS_QUEUE} queue`);
    this.trainingEvents = new TrainingEventsRule(this, 'TrainingEvents', {
      queue: trainingEventsStage.queue,
      deadLetterQueue: trainingEventsStage.deadLetterQueue,
    });
    for (const stage of this.stages) this.wire(stage, queues);
    this.alarms = new FoundryAlarms(this, 'Alarms', {
      stages: this.stages,
      ...(checked.alarmEmail ? { alarmEmail: checked.alarmEmail } : {}),
    });
    if (props.projects && props.projects.length > 0) {
      new ProjectFilesDeployment(this, 'Projects', { artifacts: this.artifacts, projects: props.projects });
    }
  }

  private stageOf(queues: ReadonlyMap<PipelineQueueName, IQueue>, name: PipelineQueueName): IQueue {
    const queue = queues.get(name);
    if (!queue) throw new SystemError(`the shared topology has no ${name} queue`);
    return queue;
  }

  /** Environment (FUNCTION_ENV) and grants (STORE_ACCESS) of one stage's function. */
  private wire(stage: PipelineStage, queues: ReadonlyMap<PipelineQueueName, IQueue>): void {
    const fn = stage.handler.function;
    fn.addEnvironment(FUNCTION_ENV.bucket, this.artifacts.bucket.bucketName);
    fn.addEnvironment(FUNCTION_ENV.registryTable, this.tables.registry.tableName);
    fn.addEnvironment(FUNCTION_ENV.idempotencyTable, this.tables.idempotency.tableName);
    for (const [name, queue] of queues) fn.addEnvironment(FUNCTION_ENV.queueUrl(name), queue.queueUrl);
    if (this.modelSecret) fn.addEnvironment(FUNCTION_ENV.modelSecret, this.modelSecret.secretName);
    fn.addEnvironment(FUNCTION_ENV.trainingRoleArn, this.trainingRole.role.roleArn);
    fn.addEnvironment(FUNCTION_ENV.trainerCodeUri, this.trainerCode.s3Uri);
    if (stage.definition.functionName === TRAINING_LAUNCHER) {
      grantTrainingLaunch(stage.handler.role, this.trainingRole.role);
    }
    grantFoundryAccess({
      role: stage.handler.role,
      functionName: stage.definition.functionName,
      access: storeAccessFor(stage.definition.functionName),
      artifacts: this.artifacts,
      queues,
      tables: this.tables.all,
      ...(this.modelSecret ? { modelSecret: this.modelSecret } : {}),
    });
  }
}
