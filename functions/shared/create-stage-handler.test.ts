import {
  AbortedError,
  type DistributedFoundry,
  InputError,
  type StageMessage,
  TransientError,
} from '@harnessx/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStageHandler, type StageRun } from './create-stage-handler.ts';
import { captureOutput, lambdaContext, sqsEvent, sqsRecord } from './fixtures/lambda-events.ts';
import { type SecretsManagerStub, startSecretsManagerStub } from './fixtures/secrets-manager-stub.ts';
import { readErrorRecords, startTestFoundry, type TestFoundry } from './fixtures/test-foundry.ts';
import { RECORD_METRICS } from './record-outcomes.ts';

let stack: TestFoundry;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  stack = await startTestFoundry('h4-stage');
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
});

let cycleCounter = 0;
function stageMessage(type: StageMessage['type'] = 'digest'): StageMessage {
  cycleCounter += 1;
  const cycleId = `c-${Date.now().toString(36)}-${cycleCounter}`;
  return {
    schemaVersion: 'harnessx.message/1',
    type,
    project: 'household',
    cycleId,
    idempotencyKey: `${cycleId}:${type}`,
    refs: {},
  };
}

interface RunCall {
  message: StageMessage;
  modelEnv: DistributedFoundry['modelEnv'];
  signal: AbortSignal | undefined;
}

/** Test double for the stage's core call: records each call, then does what `behave` says. */
function runDouble(
  behave: (message: StageMessage, signal?: AbortSignal) => Promise<unknown> = async () => ({}),
) {
  const calls: RunCall[] = [];
  const run: StageRun = async (foundry, message, options) => {
    calls.push({ message, modelEnv: foundry.modelEnv, signal: options.signal });
    return behave(message, options.signal);
  };
  return { run, calls };
}

/** Metric name → total count over every EMF line Powertools printed (a name repeats as an array of values). */
function metricCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of output.lines()) {
    const aws = line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    for (const { Name } of aws?.CloudWatchMetrics?.flatMap((group) => group.Metrics) ?? []) {
      const value = line[Name] as number | number[];
      const total = Array.isArray(value) ? value.reduce((sum, one) => sum + one, 0) : value;
      counts.set(Name, (counts.get(Name) ?? 0) + total);
    }
  }
  return counts;
}

describe('createStageHandler', () => {
  it('writes an error record for a malformed record, processes the others, and does not retry it', async () => {
    const { run, calls } = runDouble();
    const handler = createStageHandler({
      functionName: 'digest',
      run,
      env: stack.env,
      foundry: stack.foundry,
    });
    const good = [stageMessage(), stageMessage()];
    const malformed = sqsRecord(JSON.stringify({ schemaVersion: 'harnessx.message/1', type: 'digest' }));
    const wrongStage = sqsRecord(JSON.stringify(stageMessage('plan')));
    const event = sqsEvent([
      sqsRecord(JSON.stringify(good[0])),
      malformed,
      wrongStage,
      sqsRecord(JSON.stringify(good[1])),
    ]);

    const response = (await handler(event, lambdaContext('digest'))) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([]);
    expect(calls.map((call) => call.message.cycleId).sort()).toEqual(good.map((m) => m.cycleId).sort());
    const records = await readErrorRecords(stack.foundry, 'digest');
    const bySource = new Map(records.map(({ record }) => [record.source, record]));
    const malformedRecord = bySource.get(`sqs:${malformed.messageId}`);
    expect(malformedRecord?.code).toBe('INPUT_INVALID');
    expect(malformedRecord?.reason).toMatch(/project/);
    expect(malformedRecord?.reason).toMatch(/cycleId/);
    expect(malformedRecord?.excerpt).toBe(malformed.body);
    expect(bySource.get(`sqs:${wrongStage.messageId}`)?.reason).toMatch(
      /a "plan" message on the digest queue/,
    );
    expect(metricCounts().get(RECORD_METRICS.invalid)).toBe(2);
    expect(metricCounts().get('StageSucceeded')).toBe(2);
    const warning = output
      .lines()
      .find((line) => line.message === 'invalid input: error record written, not retried');
    expect(warning?.level).toBe('WARN');
  });

  it('reports exactly the record whose run throws a TransientError, and runs it again on redelivery', async () => {
    const flaky = stageMessage();
    let failNext = true;
    const { run, calls } = runDouble(async (message) => {
      if (message.cycleId === flaky.cycleId && failNext) {
        failNext = false;
        throw new TransientError('S3 throttled');
      }
      return { status: 'ran' };
    });
    const handler = createStageHandler({
      functionName: 'digest',
      run,
      env: stack.env,
      foundry: stack.foundry,
    });
    const flakyRecord = sqsRecord(JSON.stringify(flaky));
    const first = (await handler(
      sqsEvent([
        sqsRecord(JSON.stringify(stageMessage())),
        flakyRecord,
        sqsRecord(JSON.stringify(stageMessage())),
      ]),
      lambdaContext('digest'),
    )) as SQSBatchResponse;
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: flakyRecord.messageId }]);
    expect(metricCounts().get(RECORD_METRICS.transient)).toBe(1);

    // The failed run left no in-progress idempotency record behind: the redelivery runs the stage.
    const redelivered = sqsRecord(flakyRecord.body, { receiveCount: 2 });
    const second = (await handler(sqsEvent([redelivered]), lambdaContext('digest'))) as SQSBatchResponse;
    expect(second.batchItemFailures).toEqual([]);
    expect(calls.filter((call) => call.message.cycleId === flaky.cycleId)).toHaveLength(2);
  });

  it('runs the same message once across three deliveries (DynamoDB idempotency)', async () => {
    const { run, calls } = runDouble(async (message) => ({
      status: 'ran',
      cycleId: message.cycleId,
      sent: 1,
    }));
    const handler = createStageHandler({ functionName: 'plan', run, env: stack.env, foundry: stack.foundry });
    const body = JSON.stringify(stageMessage('plan'));
    for (let delivery = 1; delivery <= 3; delivery++) {
      const response = (await handler(
        sqsEvent([sqsRecord(body, { receiveCount: delivery })]),
        lambdaContext('plan'),
      )) as SQSBatchResponse;
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(calls).toHaveLength(1);
    const duplicates = output
      .lines()
      .filter((line) => line.message === 'already handled: returned the stored outcome');
    expect(duplicates).toHaveLength(2);
    expect(duplicates[0]?.outcome).toEqual({ status: 'ran', cycleId: JSON.parse(body).cycleId, sent: 1 });
  });

  it('fails a duplicate that arrives while the first delivery is still running, so it is retried later', async () => {
    const { run, calls } = runDouble(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: 'ran' };
    });
    const handler = createStageHandler({
      functionName: 'evolve',
      run,
      env: stack.env,
      foundry: stack.foundry,
    });
    const body = JSON.stringify(stageMessage('evolve'));
    const [a, b] = [sqsRecord(body), sqsRecord(body)];
    const response = (await handler(sqsEvent([a!, b!]), lambdaContext('evolve'))) as SQSBatchResponse;
    expect(calls).toHaveLength(1);
    expect(response.batchItemFailures).toHaveLength(1);
    expect([a!.messageId, b!.messageId]).toContain(response.batchItemFailures[0]?.itemIdentifier);
    expect(metricCounts().get(RECORD_METRICS.inProgress)).toBe(1);
  });

  it('aborts the signal before the deadline and redelivers only the unfinished record', async () => {
    const slow = stageMessage('evaluate');
    const { run, calls } = runDouble(async (message, signal) => {
      if (message.cycleId !== slow.cycleId) return { status: 'ran' };
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
      throw new AbortedError();
    });
    const handler = createStageHandler({
      functionName: 'evaluate',
      run,
      env: stack.env,
      foundry: stack.foundry,
    });
    const slowRecord = sqsRecord(JSON.stringify(slow));
    const quickRecord = sqsRecord(JSON.stringify(stageMessage('evaluate')));
    const started = Date.now();
    // 10 s of margin is the default: 10.4 s left means the signal fires after about 400 ms.
    const response = (await handler(
      sqsEvent([slowRecord, quickRecord]),
      lambdaContext('evaluate', 10_400),
    )) as SQSBatchResponse;
    const elapsed = Date.now() - started;

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: slowRecord.messageId }]);
    expect(calls.find((call) => call.message.cycleId === slow.cycleId)?.signal?.aborted).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(5_000);
    expect(metricCounts().get('InvocationStoppedBeforeDeadline')).toBe(1);
  });

  it('writes an error record when the last allowed receive fails (the DLQ gets the message)', async () => {
    const doomed = stageMessage('critic');
    const { run } = runDouble(async () => {
      throw new Error('critic model unreachable');
    });
    const handler = createStageHandler({
      functionName: 'critic',
      run,
      env: stack.env,
      foundry: stack.foundry,
    });
    const early = sqsRecord(JSON.stringify(doomed), { receiveCount: 1 });
    const last = sqsRecord(JSON.stringify(doomed), { receiveCount: 3 });
    const responses = [
      (await handler(sqsEvent([early]), lambdaContext('critic'))) as SQSBatchResponse,
      (await handler(sqsEvent([last]), lambdaContext('critic'))) as SQSBatchResponse,
    ];
    expect(responses.map((r) => r.batchItemFailures.length)).toEqual([1, 1]);
    const records = await readErrorRecords(stack.foundry, 'critic');
    expect(records.map(({ record }) => record.source)).toEqual([`sqs:${last.messageId}`]);
    expect(records[0]?.record.reason).toBe('critic model unreachable');
    expect(metricCounts().get(RECORD_METRICS.deadLettered)).toBe(1);
  });

  it('refuses an environment missing a variable at construction, naming it', () => {
    const { run } = runDouble();
    const env = { ...stack.env };
    delete env.HARNESSX_IDEMPOTENCY_TABLE;
    let thrown: unknown;
    try {
      createStageHandler({ functionName: 'digest', run, env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).issues.map((issue) => issue.path)).toEqual(['HARNESSX_IDEMPOTENCY_TABLE']);
    expect(() => createStageHandler({ functionName: 'no-such-stage', run, env: stack.env })).toThrow(
      /no pipeline stage runs a function named "no-such-stage"/,
    );
  });
});

describe('model credentials', () => {
  let secrets: SecretsManagerStub;
  beforeAll(async () => {
    secrets = await startSecretsManagerStub();
  });
  afterAll(async () => {
    await secrets?.stop();
  });

  const envWithSecret = (secretId: string) => ({
    ...stack.env,
    HARNESSX_MODEL_SECRET: secretId,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  });

  it('reads the model secret once and passes it to the stage as modelEnv, never into process.env or logs', async () => {
    secrets.setSecret(
      'harnessx/models',
      JSON.stringify({ OPENAI_API_KEY: 'sk-test-do-not-log', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }),
    );
    const { run, calls } = runDouble();
    const handler = createStageHandler({
      functionName: 'digest',
      run,
      env: envWithSecret('harnessx/models'),
      foundry: stack.foundry,
    });
    for (let invocation = 0; invocation < 2; invocation++) {
      const response = (await handler(
        sqsEvent([sqsRecord(JSON.stringify(stageMessage()))]),
        lambdaContext('digest'),
      )) as SQSBatchResponse;
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(secrets.calls).toEqual(['harnessx/models']);
    expect(calls.map((call) => call.modelEnv)).toEqual([
      { OPENAI_API_KEY: 'sk-test-do-not-log', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      { OPENAI_API_KEY: 'sk-test-do-not-log', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    ]);
    expect(process.env.OPENAI_API_KEY).not.toBe('sk-test-do-not-log');
    expect(output.text()).not.toContain('sk-test-do-not-log');
  });

  it('fails the invocation with an InputError naming the bad key, without quoting any value', async () => {
    secrets.setSecret('harnessx/bad-value', JSON.stringify({ OPENAI_API_KEY: 12345678 }));
    secrets.setSecret('harnessx/not-json', 'sk-raw-secret-text');
    const { run, calls } = runDouble();
    for (const [secretId, expected] of [
      ['harnessx/bad-value', /at OPENAI_API_KEY: expected a string value/],
      ['harnessx/not-json', /not valid JSON/],
    ] as const) {
      const handler = createStageHandler({
        functionName: 'digest',
        run,
        env: envWithSecret(secretId),
        foundry: stack.foundry,
      });
      const failure = await handler(
        sqsEvent([sqsRecord(JSON.stringify(stageMessage()))]),
        lambdaContext('digest'),
      ).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(InputError);
      expect((failure as Error).message).toMatch(expected);
      expect((failure as Error).message).not.toMatch(/12345678|sk-raw-secret-text/);
    }
    expect(calls).toHaveLength(0);
    expect(output.text()).not.toMatch(/12345678|sk-raw-secret-text/);
  });
});
