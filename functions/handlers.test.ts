/**
 * Every `<name>/handler.ts` as Lambda loads it: the module parses `process.env` once at load and
 * exports a middy handler. The environment is stubbed for this file only and restored after.
 */
import { type InputError, PIPELINE_STAGES, type StageMessage } from '@harnessx/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, lambdaContext, sqsEvent, sqsRecord } from './shared/fixtures/lambda-events.ts';
import { readErrorRecords, startTestFoundry, type TestFoundry } from './shared/fixtures/test-foundry.ts';

let stack: TestFoundry;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startTestFoundry('h4-handlers');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await stack?.stop();
});
beforeEach(() => {
  vi.resetModules();
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  vi.unstubAllEnvs();
});

function stubFunctionEnv(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

async function importHandler(functionName: string) {
  const module = (await import(`./${functionName}/handler.ts`)) as {
    handler: (event: unknown, context: unknown) => Promise<SQSBatchResponse>;
  };
  return module.handler;
}

describe('functions/<name>/handler.ts', () => {
  it.each(PIPELINE_STAGES.map((stage) => stage.functionName))('%s exports a middy handler', async (name) => {
    stubFunctionEnv(stack.env);
    const handler = await importHandler(name);
    expect(typeof handler).toBe('function');
    expect(typeof (handler as unknown as { use: unknown }).use).toBe('function');
  });

  it('fails to load without its environment, naming every missing variable', async () => {
    for (const name of Object.keys(stack.env)) vi.stubEnv(name, undefined);
    const failure = await importHandler('digest').then(
      () => undefined,
      (error: unknown) => error,
    );
    // resetModules gives the handler its own copy of @harnessx/core, hence no instanceof here.
    expect((failure as InputError).code).toBe('INPUT_INVALID');
    expect((failure as Error).message).toMatch(/invalid function environment/);
    const paths = (failure as InputError).issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['HARNESSX_BUCKET', 'HARNESSX_QUEUE_URL_CRITIC']));
  });

  it('runs on the ports and idempotency table its environment names', async () => {
    stubFunctionEnv(stack.env);
    const handler = await importHandler('plan');
    const malformed = sqsRecord('{"schemaVersion":"harnessx.message/2"}');
    // A well-formed message for a project nobody registered: the real core call fails it (retried).
    const unknownProject: StageMessage = {
      schemaVersion: 'harnessx.message/1',
      type: 'plan',
      project: 'nobody',
      cycleId: 'nobody-1',
      idempotencyKey: 'nobody-1:plan',
      refs: {},
    };
    const unregistered = sqsRecord(JSON.stringify(unknownProject));
    const response = await handler(sqsEvent([malformed, unregistered]), lambdaContext('plan'));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: unregistered.messageId }]);
    const records = await readErrorRecords(stack.foundry, 'plan');
    expect(records.map(({ record }) => record.source)).toEqual([`sqs:${malformed.messageId}`]);
    expect(output.text()).toContain('no project \\"nobody\\" is registered');
  });
});
