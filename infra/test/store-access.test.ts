import { FUNCTION_ENV, PIPELINE_STAGES } from '@harnessx/core';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessFoundryStack } from '../lib/stacks/harness-foundry-stack.ts';
import { readablePatterns, STORE_ACCESS, storeAccessFor } from '../lib/store-access.ts';
import { removeTemporaryOutdirs, synthFoundry } from './support/synth.ts';
import {
  logicalIdOf,
  resourceProperties,
  resourcesFor,
  roleStatements,
  type Statement,
} from './support/template-queries.ts';

afterAll(removeTemporaryOutdirs);

const SECRET_NAME = 'harnessx/model-credentials';

let stack: HarnessFoundryStack;
let template: Template;

beforeAll(async () => {
  ({ stack, template } = await synthFoundry({
    'harnessx:modelSecretName': SECRET_NAME,
    'harnessx:alarmEmail': 'ops@example.com',
  }));
});

function statementsOf(functionName: string): Statement[] {
  const stage = stack.foundry.stages.find((s) => s.definition.functionName === functionName);
  if (!stage) throw new Error(`no function ${functionName}`);
  return roleStatements(template, logicalIdOf(stage.handler.role));
}

const objectArns = (patterns: readonly string[]) =>
  patterns.map((pattern) => `<${logicalIdOf(stack.foundry.artifacts.bucket)}.Arn>/${pattern}`).sort();

describe('the access table', () => {
  it('has exactly one entry per function of the topology', () => {
    expect(Object.keys(STORE_ACCESS).sort()).toEqual(PIPELINE_STAGES.map((s) => s.functionName).sort());
    expect(() => storeAccessFor('nope')).toThrow(/no entry for function "nope"/);
  });
});

describe.each(PIPELINE_STAGES.map((s) => [s.functionName]))('%s role', (functionName) => {
  const access = () => storeAccessFor(functionName);

  it('writes only the key patterns its table entry lists', () => {
    expect(resourcesFor(statementsOf(functionName), 's3:PutObject')).toEqual(objectArns(access().write));
  });

  it('deletes only its transient patterns (inbox entries), never history', () => {
    const deletes = resourcesFor(statementsOf(functionName), 's3:DeleteObject');
    expect(deletes).toEqual(objectArns(access().remove ?? []));
    for (const pattern of access().remove ?? []) expect(pattern).toMatch(/^inbox\//);
  });

  it('reads only its read and write patterns, and lists only under them', () => {
    const statements = statementsOf(functionName);
    expect(resourcesFor(statements, 's3:GetObject')).toEqual(objectArns(readablePatterns(access())));
    const list = statements.filter((s) => s.actions.includes('s3:ListBucket'));
    expect(list).toHaveLength(1);
    expect(list[0]?.resources).toEqual([`<${logicalIdOf(stack.foundry.artifacts.bucket)}.Arn>`]);
    expect(list[0]?.condition).toEqual({ StringLike: { 's3:prefix': readablePatterns(access()) } });
  });

  it('has no S3, SQS or DynamoDB action wildcard and never scans', () => {
    const actions = statementsOf(functionName).flatMap((s) => s.actions);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:Scan');
    const wildcardResources = statementsOf(functionName).filter((s) => s.resources.includes('*'));
    expect(wildcardResources.flatMap((s) => s.actions).sort()).toEqual([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('sends only to the queues it hands work to', () => {
    const expected = access()
      .sendsTo.map((queue) => {
        const stage = stack.foundry.stages.find((s) => s.definition.queue === queue);
        return `<${logicalIdOf(stage!.queue)}.Arn>`;
      })
      .sort();
    expect(resourcesFor(statementsOf(functionName), 'sqs:SendMessage')).toEqual(expected);
  });

  it('uses the two foundry tables and reads the one model secret', () => {
    const statements = statementsOf(functionName);
    const tables = [stack.foundry.tables.registry, stack.foundry.tables.idempotency]
      .map((t) => `<${logicalIdOf(t)}.Arn>`)
      .sort();
    expect(resourcesFor(statements, 'dynamodb:UpdateItem')).toEqual(tables);
    const secret = resourcesFor(statements, 'secretsmanager:GetSecretValue');
    expect(secret).toHaveLength(1);
    expect(secret[0]).toContain(`:secret:${SECRET_NAME}-??????`);
  });
});

describe('least privilege where it matters', () => {
  const puts = (functionName: string) => resourcesFor(statementsOf(functionName), 's3:PutObject');
  const bucketArn = () => `<${logicalIdOf(stack.foundry.artifacts.bucket)}.Arn>`;

  it('digest cannot write harness versions, projects or traces', () => {
    for (const pattern of ['harnesses/*', 'projects/*', 'traces/*', 'plans/*']) {
      expect(puts('digest')).not.toContain(`${bucketArn()}/${pattern}`);
    }
  });

  const writersOf = (pattern: string) =>
    PIPELINE_STAGES.map((s) => s.functionName)
      .filter((name) => puts(name).includes(`${bucketArn()}/${pattern}`))
      .sort();

  it('only the critic (publish) and the cycle starters (baseline registration) write harness versions', () => {
    expect(writersOf('harnesses/*')).toEqual(['critic', 'trace-ingest', 'train-complete']);
  });

  it('only the training functions write models/, and only train-launch composes training datasets', () => {
    expect(writersOf('models/*')).toEqual(['train-complete', 'train-launch']);
    expect(writersOf('datasets/grpo/training/*')).toEqual(['train-launch']);
    expect(puts('train-launch')).not.toContain(`${bucketArn()}/cycles/*`);
    expect(puts('train-complete')).not.toContain(`${bucketArn()}/inbox/*`);
    expect(puts('train-complete')).not.toContain(`${bucketArn()}/datasets/grpo/*`);
  });

  it('the critic hands published cycles to training; train-complete starts the next cycle', () => {
    expect(storeAccessFor('critic').sendsTo).toContain('train');
    expect(storeAccessFor('train-complete').sendsTo).toEqual(['digest']);
    expect(storeAccessFor('train-launch').sendsTo).toEqual([]);
  });

  it('no function writes traces/ and no function can touch the whole bucket', () => {
    for (const stage of PIPELINE_STAGES) {
      const statements = statementsOf(stage.functionName);
      expect(puts(stage.functionName)).not.toContain(`${bucketArn()}/traces/*`);
      expect(statements.flatMap((s) => s.resources)).not.toContain(`${bucketArn()}/*`);
    }
  });

  it('passes the secret name, not its value, and subscribes the alarm e-mail', () => {
    for (const stage of stack.foundry.stages) {
      const fn = resourceProperties(template, logicalIdOf(stage.handler.function));
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env[FUNCTION_ENV.modelSecret]).toBe(SECRET_NAME);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: Match.anyValue(),
    });
  });
});
