import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadHarnessFile, loadProjectFile, registerProject } from '@harnessx/core';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTraceIngestHandler, INGEST_METRICS } from './create-trace-ingest-handler.ts';
import {
  captureOutput,
  lambdaContext,
  S3_TEST_EVENT_BODY,
  s3NotificationBody,
  sqsEvent,
  sqsRecord,
} from './fixtures/lambda-events.ts';
import { readErrorRecords, startTestFoundry, type TestFoundry } from './fixtures/test-foundry.ts';
import { RECORD_METRICS } from './record-outcomes.ts';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

let stack: TestFoundry;
let output: ReturnType<typeof captureOutput>;
let bucket: string;

beforeAll(async () => {
  stack = await startTestFoundry('h4-ingest');
  bucket = stack.env.HARNESSX_BUCKET!;
  const loaded = await loadProjectFile(repo('examples/projects/household.yaml'));
  await registerProject(stack.foundry, {
    project: loaded.config,
    baselineSpec: await loadHarnessFile(loaded.baselinePath),
  });
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

function loggedOutcomes(): { key: unknown; status: unknown; startedCycle?: unknown }[] {
  return output
    .lines()
    .filter((line) => typeof line.message === 'string' && line.message.startsWith('trace '))
    .map((line) => {
      const outcome = line.outcome as { status: unknown; startedCycle?: unknown };
      return { key: line.key, status: outcome.status, startedCycle: outcome.startedCycle };
    });
}

describe('createTraceIngestHandler', () => {
  it('handles a test event, a malformed body and a good upload in one batch', async () => {
    const key = 'traces/household/2026/11/24/run one.otlp.json';
    const trace = await readFile(repo('harness-core/src/trace/fixtures/foreign-openai-messages.otlp.json'));
    await stack.foundry.store.put(key, trace);
    const handler = createTraceIngestHandler({ env: stack.env, foundry: stack.foundry });
    const testEvent = sqsRecord(S3_TEST_EVENT_BODY);
    const malformed = sqsRecord(JSON.stringify({ Records: [{ eventSource: 'aws:s3' }] }));
    const upload = sqsRecord(s3NotificationBody(bucket, key, { size: trace.length }));

    const response = (await handler(
      sqsEvent([testEvent, malformed, upload]),
      lambdaContext('trace-ingest'),
    )) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([]);
    const [recorded] = loggedOutcomes();
    expect(recorded).toMatchObject({ key, status: 'recorded' });
    // The project's trigger is one trace: the first upload starts a cycle and sends its digest message.
    expect(recorded?.startedCycle).toEqual(expect.any(String));
    const digest = await stack.foundry.queue.receive('digest', { max: 10 });
    expect(digest.map((delivery) => delivery.message?.cycleId)).toEqual([recorded?.startedCycle]);
    const records = await readErrorRecords(stack.foundry, 'trace-ingest');
    expect(records.map(({ record }) => record.source)).toEqual([`sqs:${malformed.messageId}`]);
    expect(records[0]?.record.reason).toMatch(/invalid S3 event notification/);
    const counts = output.text();
    for (const metric of [INGEST_METRICS.testEvent, INGEST_METRICS.recorded, RECORD_METRICS.invalid]) {
      expect(counts).toContain(`"${metric}":1`);
    }
  });

  it('counts a redelivered notification once (the core records each trace key once)', async () => {
    const key = 'traces/household/2026/11/24/again.otlp.json';
    await stack.foundry.store.put(
      key,
      await readFile(repo('harness-core/src/trace/fixtures/foreign-span-events.otlp.json')),
    );
    const handler = createTraceIngestHandler({ env: stack.env, foundry: stack.foundry });
    const body = s3NotificationBody(bucket, key);
    for (const receiveCount of [1, 2]) {
      const response = (await handler(
        sqsEvent([sqsRecord(body, { receiveCount })]),
        lambdaContext('trace-ingest'),
      )) as SQSBatchResponse;
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(loggedOutcomes().map((outcome) => outcome.status)).toEqual(['recorded', 'duplicate']);
  });

  it('lets the core reject an invalid trace file, refuses another bucket, and skips deletions', async () => {
    const key = 'traces/household/2026/11/24/not-a-trace.json';
    await stack.foundry.store.put(key, await readFile(repo('harness-core/src/trace/fixtures/not-otlp.json')));
    const handler = createTraceIngestHandler({ env: stack.env, foundry: stack.foundry });
    const foreign = sqsRecord(s3NotificationBody('someone-elses-bucket', key));
    const response = (await handler(
      sqsEvent([
        sqsRecord(s3NotificationBody(bucket, key)),
        foreign,
        sqsRecord(s3NotificationBody(bucket, key, { eventName: 'ObjectRemoved:Delete' })),
      ]),
      lambdaContext('trace-ingest'),
    )) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([]);
    expect(loggedOutcomes()).toEqual([{ key, status: 'rejected', startedCycle: undefined }]);
    expect((await readErrorRecords(stack.foundry, 'traces')).map(({ record }) => record.source)).toContain(
      `s3:${key}`,
    );
    const ours = await readErrorRecords(stack.foundry, 'trace-ingest');
    const foreignRecord = ours.find(({ record }) => record.source === `sqs:${foreign.messageId}`);
    expect(foreignRecord?.record.reason).toMatch(/names bucket "someone-elses-bucket"/);
    expect(output.text()).toContain(`"${INGEST_METRICS.notObjectCreated}":1`);
  });

  it('fails only the record whose ingest throws, so SQS redelivers it', async () => {
    const handler = createTraceIngestHandler({
      env: stack.env,
      foundry: stack.foundry,
      // Test double for the core call: the store is unreachable for this one key.
      ingest: async (_foundry, object) => {
        if (object.key.endsWith('unlucky.otlp.json')) throw new Error('connect ECONNREFUSED');
        return { status: 'ignored', key: object.key, reason: 'test double' };
      },
    });
    const unlucky = sqsRecord(s3NotificationBody(bucket, 'traces/household/2026/11/24/unlucky.otlp.json'));
    const response = (await handler(
      sqsEvent([
        sqsRecord(s3NotificationBody(bucket, 'traces/household/2026/11/24/fine.otlp.json')),
        unlucky,
      ]),
      lambdaContext('trace-ingest'),
    )) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: unlucky.messageId }]);
    expect(output.text()).toContain(`"${RECORD_METRICS.failed}":1`);
  });
});
