/**
 * `PipelineStage`: one step of the pipeline as the shared topology defines it: a queue with its
 * dead-letter queue, the stage's `HarnessFunction`, and the SQS event source that feeds it with
 * partial batch failures. Batch size, window, receive count and timeouts all come from the stage
 * definition; the visibility timeout is `visibilityTimeoutSeconds(stage)` (6x the function timeout).
 */
import { type PipelineStageDefinition, SystemError, visibilityTimeoutSeconds } from '@harnessx/core';
import { Duration } from 'aws-cdk-lib';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HarnessFunction, type HarnessFunctionProps } from './harness-function.ts';

/** How long a dead letter is kept for a person to inspect and redrive: SQS's maximum. */
const DEAD_LETTER_RETENTION = Duration.days(14);

export type StageFunctionSettings = Omit<
  HarnessFunctionProps,
  'functionName' | 'description' | 'timeout' | 'memorySize' | 'sandboxLayer'
>;

export interface PipelineStageProps {
  readonly definition: PipelineStageDefinition;
  /** Settings every function shares (repository root, logs, metrics namespace, environment). */
  readonly functionSettings: StageFunctionSettings;
  /**
   * Required when the definition says the stage uses the sandbox.
   * @default - none
   */
  readonly sandboxLayer?: ILayerVersion;
}

export class PipelineStage extends Construct {
  readonly definition: PipelineStageDefinition;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly handler: HarnessFunction;

  constructor(scope: Construct, id: string, props: PipelineStageProps) {
    super(scope, id);
    const { definition } = props;
    if (definition.usesSandbox && !props.sandboxLayer) {
      throw new SystemError(
        `stage ${definition.queue} runs sandboxed processors but was given no sandbox layer`,
        {
          code: 'INFRA_SANDBOX_LAYER_MISSING',
        },
      );
    }
    this.definition = definition;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(definition)),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
    this.handler = new HarnessFunction(this, 'Handler', {
      ...props.functionSettings,
      functionName: definition.functionName,
      description: definition.description,
      timeout: Duration.seconds(definition.timeoutSeconds),
      memorySize: definition.memoryMb,
      ...(definition.usesSandbox ? { sandboxLayer: props.sandboxLayer } : {}),
    });
    this.handler.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: definition.batchSize,
        maxBatchingWindow:
          definition.maxBatchingWindowSeconds > 0
            ? Duration.seconds(definition.maxBatchingWindowSeconds)
            : undefined,
        reportBatchItemFailures: true,
      }),
    );
  }
}
