/**
 * `FoundryAlarms`: an SNS topic (TLS-only publishing) and, per pipeline stage, an alarm when its
 * dead-letter queue holds any message and one when its function reports errors. Optionally an
 * e-mail subscription.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { PipelineStage } from './pipeline-stage.ts';

export interface FoundryAlarmsProps {
  readonly stages: readonly PipelineStage[];
  /**
   * Address subscribed to the alarm topic (AWS e-mails a confirmation link first).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
}

export class FoundryAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: FoundryAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'HarnessX foundry alarms', enforceSSL: true });
    // Not encrypted at rest: CloudWatch cannot publish to a topic under the AWS managed SNS key, and a
    // customer managed key would cost money while the foundry idles; alarms carry names and states only.
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    for (const stage of props.stages) {
      const name = stage.definition.functionName;
      const deadLetters = new Alarm(this, `${stage.definition.queue}DeadLetters`, {
        alarmDescription: `Messages reached the ${stage.definition.queue} dead-letter queue (stage ${name})`,
        metric: stage.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const errors = new Alarm(this, `${stage.definition.queue}FunctionErrors`, {
        alarmDescription: `The ${name} function reported errors`,
        metric: stage.handler.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const alarm of [deadLetters, errors]) {
        alarm.addAlarmAction(action);
        this.alarms.push(alarm);
      }
    }
  }
}
