/**
 * The local stack's own parts over the real wire protocols (fauxqs, dynalite, port 0): resources as
 * the topology declares them, the S3 notification bridge, the event-source poller driving a bundled
 * test-double handler the way Lambda's SQS source does, and `harnessx upload` against the stack.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../harness-core/src/adapters/aws/local-stack/fixtures/test-double-sqs-handler.ts';
import {
  bundleEntry,
  createLocalClients,
  type LocalClients,
  type LocalStack,
  openLocalFoundry,
  type ProvisionedResources,
  provisionLocalStack,
  readStackState,
  type SqsLambdaHandler,
  stackStateOf,
  startEventSourcePoller,
  startLocalStack,
  waitForIdle,
  writeStackState,
} from '../../harness-core/src/adapters/aws/local-stack/index.ts';
import { inboxPrefix } from '../../harness-core/src/aegis/distributed/cycle-start.ts';
import { parseS3EventNotification } from '../../harness-core/src/aegis/distributed/s3-event.ts';
import { main } from '../../harness-core/src/cli/main.ts';
import { loadProjectToRegister, registerProjectOnStack } from '../../harness-core/src/cli/stack-project.ts';
import {
  FOUNDRY_TABLES,
  PIPELINE_STAGES,
  visibilityTimeoutSeconds,
} from '../../harness-core/src/ports/foundry-topology.ts';
import { captureIo } from '../support/capture-io.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(REPO_ROOT, 'harness-core/src/trace/fixtures');
const INGEST = PIPELINE_STAGES.find((stage) => stage.queue === 'ingest')!;

let stack: LocalStack;
let clients: LocalClients;

beforeAll(async () => {
  stack = await startLocalStack({
    repoRoot: REPO_ROOT,
    ports: { s3AndSqs: 0, dynamodb: 0 },
    visibilityTimeoutSeconds: 1,
    functions: [],
    namePrefix: 'hx-stack-test',
  });
  clients = createLocalClients(stack.endpoints);
});

afterAll(async () => {
  clients?.destroy();
  await stack?.stop();
});

async function queueAttributes(url: string): Promise<Record<string, string>> {
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return Attributes ?? {};
}

async function drain(url: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(message.Body ?? '');
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

describe('provisioning', () => {
  it('creates every stage queue with its DLQ, redrive count and visibility, the bucket and the tables', async () => {
    const { resources } = stack;
    await clients.s3.send(new HeadBucketCommand({ Bucket: resources.bucket }));
    for (const stage of PIPELINE_STAGES) {
      const queue = resources.queues[stage.queue];
      const attributes = await queueAttributes(queue.url);
      expect(attributes.VisibilityTimeout).toBe('1');
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: queue.deadLetter.arn,
        maxReceiveCount: stage.maxReceiveCount,
      });
      expect((await queueAttributes(queue.deadLetter.url)).QueueArn).toBe(queue.deadLetter.arn);
    }
    for (const [table, definition] of Object.entries(FOUNDRY_TABLES)) {
      const name = resources.tables[table as keyof typeof FOUNDRY_TABLES];
      const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: definition.partitionKey, KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.TableStatus).toBe('ACTIVE');
    }
  });

  it('is idempotent, and without an override uses six times each function timeout', async () => {
    const again = await provisionLocalStack({ ...clients, namePrefix: 'hx-stack-test' });
    for (const stage of PIPELINE_STAGES) {
      expect(again.queues[stage.queue].url).toBe(stack.resources.queues[stage.queue].url);
      const attributes = await queueAttributes(again.queues[stage.queue].url);
      expect(attributes.VisibilityTimeout).toBe(String(visibilityTimeoutSeconds(stage)));
    }
    expect(again.tables).toEqual(stack.resources.tables);
    // Back to the short timeout the other tests rely on.
    await provisionLocalStack({ ...clients, namePrefix: 'hx-stack-test', visibilityTimeoutSeconds: 1 });
  });
});

describe('S3 notification bridge', () => {
  it('turns an object created under traces/ into an S3 event the core parser reads', async () => {
    const key = 'traces/agent 1/2026/01/02/run+7 (final).json';
    const body = '{"resourceSpans":[]}';
    await clients.s3.send(new PutObjectCommand({ Bucket: stack.resources.bucket, Key: key, Body: body }));
    await stack.bridge.flush();
    const bodies = await drain(stack.resources.queues.ingest.url);
    expect(bodies).toHaveLength(1);
    const raw = JSON.parse(bodies[0]!);
    expect(raw.Records[0]).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: stack.resources.bucket, arn: `arn:aws:s3:::${stack.resources.bucket}` },
        object: { key: 'traces/agent+1/2026/01/02/run%2B7+%28final%29.json', size: body.length },
      },
    });
    expect(raw.Records[0].s3.object.eTag).toMatch(/^[0-9a-f]{32}$/);
    expect(parseS3EventNotification(bodies[0]!, 'test')).toEqual([
      { bucket: stack.resources.bucket, key, size: body.length, eventName: 'ObjectCreated:Put' },
    ]);
  });

  it('announces nothing for other prefixes', async () => {
    const before = stack.bridge.counts().sent;
    for (const key of ['digests/c1/digest.json', 'projects/p/traces/x.json', 'tracesx/a.json']) {
      await clients.s3.send(new PutObjectCommand({ Bucket: stack.resources.bucket, Key: key, Body: '{}' }));
    }
    await stack.bridge.flush();
    expect(stack.bridge.counts()).toEqual({ sent: before, failed: 0 });
    expect(await drain(stack.resources.queues.ingest.url)).toEqual([]);
  });
});

describe('event-source poller (bundled test-double handler)', () => {
  let bundleDir: string;
  let handler: SqsLambdaHandler;
  let calls: RecordedCall[];
  let queues: ProvisionedResources['queues'];

  beforeAll(async () => {
    // Inside the repository, as the stack's bundles are, so externals resolve from node_modules.
    bundleDir = join(REPO_ROOT, '.harnessx', 'test-bundles', randomUUID());
    const bundle = await bundleEntry({
      repoRoot: REPO_ROOT,
      entry: 'harness-core/src/adapters/aws/local-stack/fixtures/test-double-sqs-handler.ts',
      outFile: join(bundleDir, 'index.mjs'),
    });
    const module = await import(pathToFileURL(bundle.path).href);
    handler = module.handler;
    calls = module.calls;
    ({ queues } = await provisionLocalStack({
      ...clients,
      namePrefix: 'hx-poller-test',
      visibilityTimeoutSeconds: 1,
    }));
  });

  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  async function runUntilIdle(messages: { id: string; behave: string }[]) {
    const queue = queues.ingest;
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: messages.map((message) => ({ Id: message.id, MessageBody: JSON.stringify(message) })),
      }),
    );
    calls.length = 0;
    const poller = startEventSourcePoller({
      sqs: clients.sqs,
      stage: INGEST,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler,
    });
    try {
      await waitForIdle({
        sqs: clients.sqs,
        queueUrls: { ingest: queue.url },
        busy: poller.inFlight,
        timeoutMs: 20_000,
      });
    } finally {
      await poller.stop();
    }
    const receives = (id: string) =>
      calls.flatMap((call) =>
        call.records.filter((record) => record.id === id).map((record) => record.receiveCount),
      );
    return { invocations: poller.invocations(), receives, deadLetters: await drain(queue.deadLetter.url) };
  }

  it('deletes the records that succeeded; the poison one comes back, then lands in the DLQ', async () => {
    const { invocations, receives, deadLetters } = await runUntilIdle([
      { id: 'm1', behave: 'ok' },
      { id: 'poison', behave: 'fail' },
      { id: 'm3', behave: 'ok' },
      { id: 'm4', behave: 'ok' },
    ]);
    const first = invocations[0]!;
    expect(first.messageIds).toHaveLength(4);
    expect(first.outcome).toBe('partial');
    expect(first.deleted).toHaveLength(3);
    expect(receives('m1')).toEqual([1]);
    expect(receives('poison')).toEqual([1, 2, 3]);
    expect(deadLetters.map((body) => JSON.parse(body).id)).toEqual(['poison']);
    const record = calls[0]!.records[0]!;
    expect(record.eventSource).toBe('aws:sqs');
    expect(record.eventSourceARN).toBe(queues.ingest.arn);
    expect(record.hasTimestamps).toBe(true);
    expect(calls[0]!.functionName).toBe('trace-ingest');
    expect(calls[0]!.remainingMs).toBeGreaterThan((INGEST.timeoutSeconds - 5) * 1000);
  });

  it('a thrown handler fails the whole batch: every record is delivered again', async () => {
    const { invocations, receives, deadLetters } = await runUntilIdle([
      { id: 't1', behave: 'throw-first' },
      { id: 't2', behave: 'ok' },
    ]);
    expect(invocations[0]).toMatchObject({ outcome: 'error', deleted: [] });
    expect(invocations[0]!.messageIds).toHaveLength(2);
    expect(receives('t1')).toEqual([1, 2]);
    expect(receives('t2')).toEqual([1, 2]);
    expect(invocations.flatMap((invocation) => invocation.deleted)).toHaveLength(2);
    expect(deadLetters).toEqual([]);
  });
});

describe('harnessx upload against the stack', () => {
  it('uploads a good trace under traces/<project>/<date>/ and refuses a bad one with exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hx-upload-'));
    try {
      const good = join(FIXTURES, 'foreign-openai-messages.otlp.json');
      const bad = join(dir, 'broken.json');
      await writeFile(bad, '{"resourceSpans": [ {"scopeSpans": ');
      const io = captureIo({ HARNESSX_STACK_DIR: dir });
      const code = await main(
        [
          'upload',
          good,
          bad,
          '--project',
          'household',
          '--endpoint',
          stack.endpoints.s3,
          '--bucket',
          stack.resources.bucket,
        ],
        io,
      );
      expect(code).toBe(2);
      expect(io.err()).toContain(`refused ${bad}`);
      expect(io.err()).toMatch(/JSON/);
      const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
      const key = `traces/household/${today}/foreign-openai-messages.otlp.json`;
      expect(io.out().trim()).toBe(key);
      const { Contents = [] } = await clients.s3.send(
        new ListObjectsV2Command({ Bucket: stack.resources.bucket, Prefix: 'traces/household/' }),
      );
      expect(Contents.map((object) => object.Key)).toEqual([key]);
      await stack.bridge.flush();
      const events = (await drain(stack.resources.queues.ingest.url)).flatMap((body) =>
        parseS3EventNotification(body, 'test'),
      );
      expect(events.map((event) => event.key)).toEqual([key]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to guess a bucket: no --bucket and no stack state gives exit 2 with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hx-upload-'));
    try {
      const io = captureIo({ HARNESSX_STACK_DIR: dir });
      const good = join(FIXTURES, 'foreign-openai-messages.otlp.json');
      const code = await main(
        ['upload', good, '--project', 'household', '--endpoint', stack.endpoints.s3],
        io,
      );
      expect(code).toBe(2);
      expect(io.err()).toContain('--bucket');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the real trace-ingest function on the stack', () => {
  let ingestStack: LocalStack;
  let stateDir: string;
  let bundleRoot: string;

  beforeAll(async () => {
    bundleRoot = join(REPO_ROOT, '.harnessx', 'test-stacks', randomUUID());
    stateDir = await mkdtemp(join(tmpdir(), 'hx-stack-state-'));
    ingestStack = await startLocalStack({
      repoRoot: REPO_ROOT,
      stateDir: bundleRoot,
      ports: { s3AndSqs: 0, dynamodb: 0 },
      visibilityTimeoutSeconds: 2,
      functions: ['trace-ingest'],
      environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    await writeStackState(stateDir, stackStateOf(ingestStack, join(stateDir, 'stack.log')));
  });

  afterAll(async () => {
    await ingestStack?.stop();
    await rm(bundleRoot, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('an upload with the bucket from the state file is ingested for its registered project', async () => {
    const input = await loadProjectToRegister(join(REPO_ROOT, 'examples/projects/household.yaml'));
    // A trigger this high keeps the cycle from starting: only ingestion is under test here.
    input.project = { ...input.project, policies: { ...input.project.policies, triggerTraces: 1000 } };
    const state = await readStackState(stateDir);
    await registerProjectOnStack(state!, input);
    const io = captureIo({ HARNESSX_STACK_DIR: stateDir });
    const good = join(FIXTURES, 'foreign-openai-messages.otlp.json');
    expect(
      await main(['upload', good, '--project', 'household', '--endpoint', ingestStack.endpoints.s3], io),
    ).toBe(0);
    await ingestStack.waitForIdle({ timeoutMs: 30_000 });
    const [poller] = ingestStack.pollers;
    expect(poller?.invocations().map((invocation) => invocation.outcome)).toEqual(['success']);
    const foundry = openLocalFoundry(state!);
    try {
      const inbox = await foundry.store.list(inboxPrefix('household'));
      expect(inbox).toHaveLength(1);
      const entry = JSON.parse(Buffer.from((await foundry.store.get(inbox[0]!))!).toString('utf8'));
      expect(entry.traceKey).toBe(io.out().trim());
    } finally {
      foundry.close();
    }
  });

  it("stack status reports the running stack, its queues and the project's current version", async () => {
    const io = captureIo({ HARNESSX_STACK_DIR: stateDir });
    expect(await main(['stack', 'status'], io)).toBe(0);
    expect(io.out()).toContain(`local stack: running (pid ${process.pid}`);
    expect(io.out()).toMatch(/ingest\s+0\s+0\s+0/);
    expect(io.out()).toMatch(/household\s+harness household-baseline, current sha256:[0-9a-f]{64} \(v1,/);
  });

  it('stack up refuses while a stack is running', async () => {
    const io = captureIo({ HARNESSX_STACK_DIR: stateDir });
    expect(await main(['stack', 'up', '--port', '0', '--dynamodb-port', '0'], io)).toBe(1);
    expect(io.err()).toContain('STACK_RUNNING');
  });
});

describe('harnessx stack down and status without a live stack', () => {
  it('down stops the process the state names and removes the state; then status and down say so', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'hx-stack-down-'));
    // A stand-in for the stack's process (a test double): down must SIGTERM it.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await writeStackState(stateDir, stackStateOf(stack, join(stateDir, 'stack.log'), child.pid!));
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      const down = captureIo({ HARNESSX_STACK_DIR: stateDir });
      expect(await main(['stack', 'down'], down)).toBe(0);
      expect(await exited).toBe('SIGTERM');
      expect(await readStackState(stateDir)).toBeUndefined();
      const status = captureIo({ HARNESSX_STACK_DIR: stateDir });
      expect(await main(['stack', 'status'], status)).toBe(1);
      expect(status.out()).toContain('not running');
      const again = captureIo({ HARNESSX_STACK_DIR: stateDir });
      expect(await main(['stack', 'down'], again)).toBe(1);
      expect(again.err()).toContain('STACK_NOT_RUNNING');
    } finally {
      child.kill();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('status calls a state file of a dead process stale, and down removes it', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'hx-stack-stale-'));
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    try {
      await writeStackState(stateDir, stackStateOf(stack, join(stateDir, 'stack.log'), child.pid!));
      const status = captureIo({ HARNESSX_STACK_DIR: stateDir });
      expect(await main(['stack', 'status'], status)).toBe(1);
      expect(status.out()).toContain(`stale state of pid ${child.pid}`);
      expect(await main(['stack', 'down'], captureIo({ HARNESSX_STACK_DIR: stateDir }))).toBe(0);
      expect(await readStackState(stateDir)).toBeUndefined();
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('a corrupt state file is a clear input error', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'hx-stack-corrupt-'));
    try {
      await writeFile(join(stateDir, 'stack.json'), '{"schemaVersion":"harnessx.stack-state/1","pid":-4}');
      const io = captureIo({ HARNESSX_STACK_DIR: stateDir });
      expect(await main(['stack', 'status'], io)).toBe(2);
      expect(io.err()).toMatch(/invalid local stack state in .*stack\.json/);
      expect(io.err()).toContain('pid');
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
