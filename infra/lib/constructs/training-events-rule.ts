/**
 * `TrainingEventsRule`: the EventBridge rule that delivers the foundry's SageMaker training-job
 * state changes (final states only, job names starting with `TRAINING_JOB_NAME_PREFIX`) to the
 * training-events queue, whose function registers the model. Events EventBridge cannot deliver go
 * to that stage's dead-letter queue, next to the messages its function could not process.
 */
import { TRAINING_JOB_NAME_PREFIX } from '@harnessx/core';
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The states after which a job changes no more: each is handled once (idempotently) by train-complete. */
export const FINAL_TRAINING_STATES = ['Completed', 'Failed', 'Stopped'] as const;

export interface TrainingEventsRuleProps {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
}

export class TrainingEventsRule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: TrainingEventsRuleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: 'HarnessX training jobs that reached a final state, to the training-events queue',
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Training Job State Change'],
        detail: {
          TrainingJobStatus: [...FINAL_TRAINING_STATES],
          TrainingJobName: [{ prefix: TRAINING_JOB_NAME_PREFIX }],
        },
      },
    });
    this.rule.addTarget(
      new SqsQueue(props.queue, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
