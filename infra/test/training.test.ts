/** The training loop's pieces: the training role, the launcher's access, the EventBridge rule and the trainer code. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_ENV, InputError, PIPELINE_STAGES, TRAINING_EVENTS_QUEUE } from '@harnessx/core';
import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLC_REGISTRY_ACCOUNTS } from '../lib/constructs/training-job-role.ts';
import { HarnessFoundry } from '../lib/harness-foundry.ts';
import { REPOSITORY_ROOT } from '../lib/repository-root.ts';
import type { HarnessFoundryStack } from '../lib/stacks/harness-foundry-stack.ts';
import { packTrainer } from '../lib/trainer-package.ts';
import { removeTemporaryOutdirs, synthFoundry, testAppProps } from './support/synth.ts';
import {
  logicalIdOf,
  render,
  resourceProperties,
  roleStatements,
  type Statement,
} from './support/template-queries.ts';

afterAll(removeTemporaryOutdirs);

let stack: HarnessFoundryStack;
let template: Template;

beforeAll(async () => {
  ({ stack, template } = await synthFoundry());
});

const stageOf = (functionName: string) => {
  const stage = stack.foundry.stages.find((s) => s.definition.functionName === functionName);
  if (!stage) throw new Error(`no function ${functionName}`);
  return stage;
};
const bucketArn = () => `<${logicalIdOf(stack.foundry.artifacts.bucket)}.Arn>`;
const trainingRoleId = () => logicalIdOf(stack.foundry.trainingRole.role);
const trainingStatements = () => roleStatements(template, trainingRoleId());
const bySid = (statements: Statement[], sid: string) => {
  const found = statements.filter((s) => s.sid === sid);
  expect(found, sid).toHaveLength(1);
  return found[0] as Statement;
};

describe('EventBridge rule on training-job state changes', () => {
  it("matches the foundry's jobs in a final state and targets the training-events queue", () => {
    const eventsStage = stack.foundry.stages.find((s) => s.definition.queue === TRAINING_EVENTS_QUEUE);
    expect(eventsStage?.definition.functionName).toBe('train-complete');
    const rule = resourceProperties(template, logicalIdOf(stack.foundry.trainingEvents.rule));
    expect(rule.EventPattern).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Training Job State Change'],
      detail: {
        TrainingJobStatus: ['Completed', 'Failed', 'Stopped'],
        TrainingJobName: [{ prefix: 'hx-' }],
      },
    });
    expect(rule.State).toBe('ENABLED');
    const targets = rule.Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]?.Arn).toEqual({ 'Fn::GetAtt': [logicalIdOf(eventsStage!.queue), 'Arn'] });
    expect(targets[0]?.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [logicalIdOf(eventsStage!.deadLetterQueue), 'Arn'] },
    });
  });

  it('lets only EventBridge, for this rule, send to the queue (and its dead-letter queue)', () => {
    const eventsStage = stack.foundry.stages.find((s) => s.definition.queue === TRAINING_EVENTS_QUEUE)!;
    const ruleArn = { 'Fn::GetAtt': [logicalIdOf(stack.foundry.trainingEvents.rule), 'Arn'] };
    for (const queue of [eventsStage.queue, eventsStage.deadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: Match.anyValue(),
              Resource: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
            }),
          ]),
        },
      });
    }
    for (const policy of Object.values(template.findResources('AWS::SQS::QueuePolicy'))) {
      const statements = (
        policy.Properties.PolicyDocument.Statement as { Principal?: unknown; Action: unknown }[]
      )
        .filter((s) => JSON.stringify(s.Principal) === '{"Service":"events.amazonaws.com"}')
        .flatMap((s) => s.Action);
      // Sending (and the queue lookups CDK's grant adds); never receiving or deleting.
      for (const action of statements)
        expect(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']).toContain(action);
    }
    // No other queue accepts events.
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const withEvents = policies.filter((p) => JSON.stringify(p).includes('events.amazonaws.com'));
    expect(withEvents).toHaveLength(2);
  });
});

describe('training job role', () => {
  it('is assumed by SageMaker only', () => {
    const role = resourceProperties(template, trainingRoleId());
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
      ],
    });
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  it('reads the dataset, base weights, models and the trainer code, and writes under models/ only', () => {
    const statements = trainingStatements();
    const code = `${bucketArn()}/${stack.foundry.trainerCode.key}`;
    const read = bySid(statements, 'ReadTrainingInputs');
    expect(read.actions).toEqual(['s3:GetObject']);
    expect([...read.resources].sort()).toEqual(
      [
        `${bucketArn()}/datasets/grpo/training/*`,
        `${bucketArn()}/base-models/*`,
        `${bucketArn()}/models/*`,
        code,
      ].sort(),
    );
    const writes = statements.filter((s) =>
      s.actions.some((a) => a.startsWith('s3:') && a !== 's3:GetObject' && a !== 's3:ListBucket'),
    );
    expect(writes.flatMap((s) => s.resources).sort()).toEqual([
      `${bucketArn()}/models/*`,
      `${bucketArn()}/models/*/checkpoints/*`,
    ]);
    expect(bySid(statements, 'DeleteOwnCheckpoints').resources).toEqual([
      `${bucketArn()}/models/*/checkpoints/*`,
    ]);
    expect(bySid(statements, 'ListTrainingPrefixes')).toMatchObject({
      actions: ['s3:ListBucket'],
      resources: [bucketArn()],
      condition: { StringLike: { 's3:prefix': ['datasets/grpo/training/*', 'base-models/*', 'models/*'] } },
    });
  });

  it('writes training-job logs, pulls images from the DLC registries, and can do nothing else', () => {
    const statements = trainingStatements();
    expect(bySid(statements, 'TrainingJobLogs').resources).toEqual([
      'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/TrainingJobs:*',
    ]);
    expect(bySid(statements, 'EcrLogin')).toMatchObject({
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    });
    const pull = bySid(statements, 'PullTrainingImage');
    expect([...pull.resources].sort()).toEqual(
      DLC_REGISTRY_ACCOUNTS.map((a) => `arn:<AWS::Partition>:ecr:<AWS::Region>:${a}:repository/*`).sort(),
    );
    expect(pull.actions).not.toContain('ecr:PutImage');
    const services = new Set(statements.flatMap((s) => s.actions.map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['ecr', 'logs', 's3']);
    expect(statements.every((s) => s.effect === 'Allow' && s.actions.every((a) => !a.endsWith('*')))).toBe(
      true,
    );
  });
});

describe('train-launch', () => {
  it('starts, describes and tags hx-* training jobs only', () => {
    const statements = roleStatements(template, logicalIdOf(stageOf('train-launch').handler.role));
    const launch = bySid(statements, 'LaunchTrainingJobs');
    expect([...launch.actions].sort()).toEqual([
      'sagemaker:AddTags',
      'sagemaker:CreateTrainingJob',
      'sagemaker:DescribeTrainingJob',
    ]);
    expect(launch.resources).toEqual([
      'arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:training-job/hx-*',
    ]);
    // The one role it may pass is the training role; it cannot touch other SageMaker resources.
    const sagemaker = statements.filter((s) => s.actions.some((a) => a.startsWith('sagemaker:')));
    expect(sagemaker).toHaveLength(1);
  });

  it('passes the training role, to SageMaker only, and no other function passes any role', () => {
    const statements = roleStatements(template, logicalIdOf(stageOf('train-launch').handler.role));
    expect(bySid(statements, 'PassTrainingRole')).toEqual({
      sid: 'PassTrainingRole',
      effect: 'Allow',
      actions: ['iam:PassRole'],
      resources: [`<${trainingRoleId()}.Arn>`],
      condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    for (const stage of PIPELINE_STAGES.filter((s) => s.functionName !== 'train-launch')) {
      const actions = roleStatements(template, logicalIdOf(stageOf(stage.functionName).handler.role)).flatMap(
        (s) => s.actions,
      );
      expect(
        actions.filter((a) => a.startsWith('iam:') || a.startsWith('sagemaker:')),
        stage.functionName,
      ).toEqual([]);
    }
  });
});

describe('trainer code', () => {
  const trainer = () => packTrainer(join(REPOSITORY_ROOT, 'training'));

  it('is deployed to code/trainer/<content hash>/sourcedir.tar.gz, extracted, never pruning the bucket', () => {
    const { hash } = trainer();
    expect(stack.foundry.trainerCode.key).toBe(`code/trainer/${hash}/sourcedir.tar.gz`);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: logicalIdOf(stack.foundry.artifacts.bucket) },
      DestinationBucketKeyPrefix: `code/trainer/${hash}/`,
      Prune: false,
      RetainOnDelete: true,
      Extract: true,
    });
  });

  it('stages an asset folder holding exactly the archive', () => {
    const { hash, tarGz } = trainer();
    const deployments = template.findResources('Custom::CDKBucketDeployment', {
      Properties: { DestinationBucketKeyPrefix: `code/trainer/${hash}/` },
    });
    const keys = Object.values(deployments).flatMap((d) => d.Properties.SourceObjectKeys as string[]);
    expect(keys).toHaveLength(1);
    const outdir = stack.node.root instanceof App ? stack.node.root.outdir : '';
    const assetDir = join(outdir, `asset.${keys[0]?.replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir)).toEqual(['sourcedir.tar.gz']);
    const staged = join(assetDir, 'sourcedir.tar.gz');
    expect(existsSync(staged)).toBe(true);
    expect(readFileSync(staged).equals(tarGz)).toBe(true);
    const listed = execFileSync('tar', ['-tzf', staged], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toContain('train.py');
    expect(listed.some((f) => f.startsWith('tests/'))).toBe(false);
  });

  it("gives every function the training role's ARN and the trainer code URI", () => {
    const bucket = `<${logicalIdOf(stack.foundry.artifacts.bucket)}>`;
    for (const stage of stack.foundry.stages) {
      const fn = resourceProperties(template, logicalIdOf(stage.handler.function));
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(render(env[FUNCTION_ENV.trainingRoleArn])).toBe(`<${trainingRoleId()}.Arn>`);
      expect(render(env[FUNCTION_ENV.trainerCodeUri])).toBe(
        `s3://${bucket}/${stack.foundry.trainerCode.key}`,
      );
    }
  });
});

describe('base weights', () => {
  it('refuses a project whose training.baseModelPrefix is outside base-models/', () => {
    const project = (prefix: string) => ({
      name: 'p',
      projectJson: JSON.stringify({ name: 'p', training: { baseModelPrefix: prefix } }),
      baselineJson: '{}',
    });
    const build = (prefix: string) => () =>
      new HarnessFoundry(new Stack(new App(testAppProps()), 'S'), 'Foundry', { projects: [project(prefix)] });
    let error: unknown;
    try {
      build('weights/qwen/')();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      {
        path: 'projects.0.projectJson.training.baseModelPrefix',
        message: expect.stringContaining('under base-models/'),
      },
    ]);
  });
});
